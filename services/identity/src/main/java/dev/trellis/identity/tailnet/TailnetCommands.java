package dev.trellis.identity.tailnet;

import com.google.protobuf.Duration;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.TailnetLookup;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Decides tailnet creation. A name is unique across the deployment: the deciding instance first
 * claims it atomically in Hazelcast ({@code putIfAbsent} in the claims map), so two instances
 * creating the same name concurrently cannot both succeed, then appends {@code TailnetCreated} and
 * waits until the projection shows it (read-your-writes for the caller).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class TailnetCommands {
  /** Claims of unique names; not a projection (decisions, not state rebuilt from the log). */
  static final String NAME_CLAIMS = "identity-claims.tailnet-names";

  /** New tailnets' node keys expire after 180 days, as the key registry's default. */
  public static final Duration DEFAULT_NODE_KEY_EXPIRY =
      Duration.newBuilder().setSeconds(180L * 86400).build();

  private final Vertx vertx;
  private final EventLog log;
  private final Events events;
  private final IMap<String, String> claims;
  private final TailnetDirectory directory;
  private final Supplier<Future<Void>> caughtUp;

  public TailnetCommands(
      Vertx vertx,
      EventLog log,
      Events events,
      HazelcastInstance hazelcast,
      TailnetDirectory directory,
      Supplier<Future<Void>> caughtUp) {
    this.vertx = vertx;
    this.log = log;
    this.events = events;
    this.claims = hazelcast.getMap(NAME_CLAIMS);
    this.directory = directory;
    this.caughtUp = caughtUp;
  }

  /** The settings a new tailnet starts with. */
  public static TailnetSettings defaultSettings() {
    return TailnetSettings.newBuilder()
        .setNodeKeyExpiry(DEFAULT_NODE_KEY_EXPIRY)
        .setDeviceApprovalRequired(false)
        .setPasswordLoginEnabled(true)
        .build();
  }

  /** A fresh tailnet id: {@code tn} and 16 hex digits ({@link TailnetLookup#newId()}). */
  public static String newTailnetId() {
    return TailnetLookup.newId();
  }

  /**
   * Creates a tailnet named {@code name} (already checked with {@link TailnetName#check}).
   *
   * @return the created tailnet as the projection shows it; fails with 409 CONFLICT when the name
   *     is taken
   */
  public Future<TailnetRecord> create(String name, Actor actor, String correlationId) {
    String id = newTailnetId();
    return vertx
        .executeBlocking(() -> claims.putIfAbsent(name, id))
        .compose(
            holder -> {
              if (holder != null) {
                return Future.failedFuture(
                    ApiException.of(ErrorCode.CONFLICT, "A tailnet named '" + name + "' exists."));
              }
              var event =
                  events
                      .draft(
                          id,
                          id,
                          actor,
                          TailnetCreated.newBuilder()
                              .setName(name)
                              .setSettings(defaultSettings())
                              .build())
                      .correlationId(correlationId)
                      .subject("tailnet " + name)
                      .build();
              return log.append(Topics.IDENTITY, event)
                  .recover(
                      err ->
                          vertx
                              .executeBlocking(() -> claims.remove(name, id))
                              .transform(v -> Future.failedFuture(err)))
                  .compose(appended -> caughtUp.get())
                  .compose(
                      v ->
                          vertx.executeBlocking(
                              () ->
                                  directory
                                      .byId(id)
                                      .orElseThrow(
                                          () ->
                                              ApiException.of(
                                                  ErrorCode.UNAVAILABLE,
                                                  "The tailnet was created but is not visible"
                                                      + " yet; list again shortly."))));
            });
  }
}
