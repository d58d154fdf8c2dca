package dev.trellis.identity.dns;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.proto.event.v1.DnsSettingsChanged;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.service.CommandThreads;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides DNS settings changes: one change at a time per tailnet across every identity instance (a
 * Hazelcast map lock on the tailnet id), made against the settings as the caught-up projection
 * shows them, checked against {@code If-Match} (the version the editor read), validated by {@link
 * DnsValidation}, appended as one {@code DnsSettingsChanged} with the full settings and the next
 * version, and visible in the projection before the call returns. A change that changes nothing
 * appends nothing.
 *
 * <p>Thread-safety: thread-safe; blocking, for {@link CommandThreads} only (map locks belong to the
 * thread that takes them).
 */
public final class DnsCommands {
  private final IMap<String, Boolean> locks;
  private final TailnetDirectory tailnets;
  private final IdentityLog log;
  private final Events events;

  public DnsCommands(
      HazelcastInstance hazelcast, TailnetDirectory tailnets, IdentityLog log, Events events) {
    this.locks = hazelcast.getMap("identity-claims.dns-edit-locks");
    this.tailnets = tailnets;
    this.log = log;
    this.events = events;
  }

  /**
   * Applies {@code req} to the DNS settings of {@code tailnetId}.
   *
   * @param ifMatch the version the change is based on, or null not to check
   * @return the tailnet as it stands after the change
   * @throws ApiException 409 CONFLICT when {@code ifMatch} is not the current version, 422 for
   *     invalid settings
   */
  public TailnetRecord change(String tailnetId, DnsRequest req, Long ifMatch, Actor actor) {
    locks.lock(tailnetId);
    try {
      CommandThreads.await(log.caughtUp());
      TailnetRecord t =
          tailnets.byId(tailnetId).orElseThrow(() -> ApiException.of(ErrorCode.TAILNET_NOT_FOUND));
      if (ifMatch != null && ifMatch != t.getDnsVersion()) {
        throw ApiException.of(
            ErrorCode.CONFLICT,
            "The DNS settings are at version "
                + t.getDnsVersion()
                + ", not "
                + ifMatch
                + "; read them again.");
      }
      List<String> changed = new ArrayList<>();
      DnsSettings next = DnsValidation.apply(t.getDns(), req, t.getName(), changed);
      if (changed.isEmpty()) {
        return t;
      }
      long version = t.getDnsVersion() + 1;
      var event =
          events
              .draft(
                  tailnetId,
                  tailnetId,
                  actor,
                  DnsSettingsChanged.newBuilder()
                      .setSettings(next)
                      .addAllChangedFields(changed)
                      .setVersion(version)
                      .build())
              .subject(
                  "tailnet "
                      + t.getName()
                      + " DNS version "
                      + version
                      + ": "
                      + String.join(", ", changed))
              .build();
      CommandThreads.await(log.appendAndApply(List.of(event)));
      return tailnets.byId(tailnetId).orElseThrow();
    } finally {
      locks.unlock(tailnetId);
    }
  }
}
