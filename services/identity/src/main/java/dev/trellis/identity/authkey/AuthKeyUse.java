package dev.trellis.identity.authkey;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AuthKeyRefused;
import dev.trellis.proto.event.v1.AuthKeyUsed;
import dev.trellis.proto.state.v1.AuthKeyRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a registration may use an auth key, for the coordinator (another service, which
 * calls {@code POST /api/v1/internal/authkeys/use}; see {@link AuthKeyRoutes}).
 *
 * <p><b>Why an HTTP endpoint deciding with a compare-and-set in Hazelcast.</b> The one-use
 * invariant must hold across any number of identity instances. Checks of the record (exists, hash,
 * tailnet, not revoked, not expired) read the projection; the use itself is taken by {@link
 * UseCount}, a compare-and-set on the key's entry in a decisions map, which Hazelcast applies
 * atomically on the owning partition: two concurrent uses of a one-off key through two instances
 * get counts 1 and -1, never 1 and 1. Deciding inside identity behind HTTP (rather than a class
 * every service runs on the map) keeps the auth-key records and their rules private to identity;
 * the coordinator only needs HTTP and a service credential. A revocation that lands between the
 * record check and the processor lets that one in-flight use through, as with any check-then-act
 * across a network.
 *
 * <p>{@link #check} answers the same without taking a use, so the coordinator can check a key and
 * everything else about a registration before the key is used: a refused registration never burns a
 * one-off key.
 *
 * <p>Refusals answer a specific code (AUTH_KEY_INVALID, _EXPIRED, _REVOKED, _USED, _EXHAUSTED) and
 * append {@code AuthKeyRefused}. A key of another tailnet than the one asked for is refused exactly
 * like an unknown key (AUTH_KEY_INVALID, no key id in the event), so no answer reveals whether
 * another tailnet's key exists.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class AuthKeyUse {
  /** Tailnet id under which refusals of keys that name no known tailnet are logged. */
  public static final String NO_TAILNET = "-";

  private final Vertx vertx;
  private final Events events;
  private final IdentityLog log;
  private final Clock clock;
  private final AuthKeyDirectory keys;
  private final UseCount uses;

  /** A use request from the coordinator. */
  public record Request(
      String key, String tailnetId, String nodeId, String hostname, String sourceIp) {}

  /** A granted use: the key as it stands after the use. */
  public record Granted(AuthKeyRecord key, long useCount) {}

  public AuthKeyUse(
      Vertx vertx,
      Events events,
      IdentityLog log,
      Clock clock,
      AuthKeyDirectory keys,
      HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.events = events;
    this.log = log;
    this.clock = clock;
    this.keys = keys;
    this.uses = new UseCount(hazelcast.<String, Long>getMap(UseCount.MAP));
  }

  /**
   * Whether the key of {@code r} could be used now (nothing changes; a refusal is recorded like a
   * refused use): the key as it stands, with its current use count.
   */
  public Future<Granted> check(Request r, Actor actor) {
    return vertx
        .executeBlocking(() -> decide(r, false))
        .compose(
            d ->
                d.refusal != null
                    ? refuse(r, d, actor)
                    : Future.succeededFuture(new Granted(d.key, d.key.getUseCount())));
  }

  /** Uses the key of {@code r} for {@code actor} (the calling service). */
  public Future<Granted> use(Request r, Actor actor) {
    return vertx
        .executeBlocking(() -> decide(r, true))
        .compose(
            d -> {
              if (d.refusal != null) {
                return refuse(r, d, actor);
              }
              AuthKeyRecord k = d.key;
              var event =
                  events
                      .draft(
                          k.getTailnetId(),
                          k.getKeyId(),
                          actor,
                          AuthKeyUsed.newBuilder()
                              .setKeyId(k.getKeyId())
                              .setNodeId(r.nodeId() == null ? "" : r.nodeId())
                              .setUseCount((int) d.count)
                              .build())
                      .subject(
                          "auth key "
                              + k.getPrefix()
                              + " used by "
                              + (r.hostname() == null ? "a node" : r.hostname()))
                      .build();
              return log.appendAndApply(List.of(event))
                  .map(v -> new Granted(k.toBuilder().setUseCount((int) d.count).build(), d.count));
            });
  }

  private record Decision(AuthKeyRecord key, ErrorCode refusal, String loggedTailnet, long count) {}

  private Decision decide(Request r, boolean take) {
    String asked = r.tailnetId();
    Optional<String> id = AuthKeyText.keyId(r.key());
    Optional<AuthKeyRecord> found = id.flatMap(keys::byId);
    if (found.isEmpty()) {
      return new Decision(null, ErrorCode.AUTH_KEY_INVALID, asked, 0);
    }
    AuthKeyRecord k = found.get();
    if (asked != null && !asked.equals(k.getTailnetId())) {
      return new Decision(null, ErrorCode.AUTH_KEY_INVALID, asked, 0);
    }
    if (!AuthKeyText.sameHash(k.getKeyHash(), AuthKeyText.hash(r.key()))) {
      return new Decision(k, ErrorCode.AUTH_KEY_INVALID, k.getTailnetId(), 0);
    }
    if (k.getRevoked()) {
      return new Decision(k, ErrorCode.AUTH_KEY_REVOKED, k.getTailnetId(), 0);
    }
    Instant expires =
        Instant.ofEpochSecond(k.getExpiresAt().getSeconds(), k.getExpiresAt().getNanos());
    if (!clock.instant().isBefore(expires)) {
      return new Decision(k, ErrorCode.AUTH_KEY_EXPIRED, k.getTailnetId(), 0);
    }
    long limit = k.getReusable() ? k.getUsageLimit() : 1;
    long count =
        take
            ? uses.take(k.getKeyId(), k.getUseCount(), limit)
            : (uses.available(k.getKeyId(), k.getUseCount(), limit) ? k.getUseCount() : -1);
    if (count < 0) {
      ErrorCode code = k.getReusable() ? ErrorCode.AUTH_KEY_EXHAUSTED : ErrorCode.AUTH_KEY_USED;
      return new Decision(k, code, k.getTailnetId(), 0);
    }
    return new Decision(k, null, k.getTailnetId(), count);
  }

  /**
   * What the audit shows of a presented key: the display prefix when it named a key of the logged
   * tailnet, else only the first four digits of the id (another tailnet's key id stays out of this
   * tailnet's audit).
   */
  private static String presented(String text, boolean known) {
    String p = AuthKeyText.presentedPrefix(text);
    int max = known ? AuthKeyText.PREFIX_LENGTH : AuthKeyText.PREFIX.length() + 4;
    return p.length() > max ? p.substring(0, max) : p;
  }

  private Future<Granted> refuse(Request r, Decision d, Actor actor) {
    String tailnet = d.loggedTailnet == null ? NO_TAILNET : d.loggedTailnet;
    var event =
        events
            .draft(
                tailnet,
                d.key == null ? "" : d.key.getKeyId(),
                actor,
                AuthKeyRefused.newBuilder()
                    .setKeyId(d.key == null ? "" : d.key.getKeyId())
                    .setPresentedPrefix(presented(r.key(), d.key != null))
                    .setReasonCode(d.refusal.code())
                    .setSourceIp(r.sourceIp() == null ? "" : r.sourceIp())
                    .setHostname(r.hostname() == null ? "" : r.hostname())
                    .build())
            .subject("auth key refused: " + d.refusal.code())
            .build();
    return log.append(List.of(event))
        .transform(x -> Future.failedFuture(ApiException.of(d.refusal)));
  }
}
