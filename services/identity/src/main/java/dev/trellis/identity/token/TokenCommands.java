package dev.trellis.identity.token;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.user.Roles;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.ApiTokenCreated;
import dev.trellis.proto.event.v1.ApiTokenRevoked;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides API tokens: creates one for the caller's user in a tailnet with a role never above the
 * caller's and an expiry (the text is returned once; only its SHA-256 reaches the log), lists a
 * tailnet's tokens, and revokes one (its tailnet's owners and admins, or the user who owns it).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class TokenCommands {
  /** Longest lifetime of a token. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(365);

  private final Vertx vertx;
  private final Events events;
  private final IdentityLog log;
  private final Clock clock;
  private final IMap<String, byte[]> tokens;

  /** A created token: the record and the text, shown once. */
  public record Created(ApiTokenRecord record, String token) {}

  public TokenCommands(
      Vertx vertx, Events events, IdentityLog log, Clock clock, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.events = events;
    this.log = log;
    this.clock = clock;
    this.tokens = hazelcast.getMap(StateMaps.API_TOKENS);
  }

  /** Creates a token in {@code tailnetId} (already scoped for the caller). */
  public Future<Created> create(
      Principal caller, String tailnetId, UserRole role, Duration lifetime, String description) {
    Roles.requireGrantable(caller, role);
    String id = ApiTokenText.newTokenId();
    String text = ApiTokenText.generate(id);
    Instant expires = clock.instant().plus(lifetime);
    var payload =
        ApiTokenCreated.newBuilder()
            .setTokenId(id)
            .setPrefix(ApiTokenText.displayPrefix(id))
            .setTokenHash(ApiTokenText.sha256(text))
            .setRole(role)
            .setExpiresAt(
                Timestamp.newBuilder()
                    .setSeconds(expires.getEpochSecond())
                    .setNanos(expires.getNano()))
            .setOwnerUserId(caller.ownerUserId() == null ? "" : caller.ownerUserId())
            .setDescription(description == null ? "" : description)
            .build();
    var event =
        events
            .draft(tailnetId, id, caller.actor(), payload)
            .subject("API token " + payload.getPrefix() + " (" + Roles.name(role) + ")")
            .build();
    return log.appendAndApply(List.of(event))
        .compose(v -> vertx.executeBlocking(() -> byId(id).orElseThrow()))
        .map(r -> new Created(r, text));
  }

  /** The tokens of {@code tailnetId}. */
  public List<ApiTokenRecord> list(String tailnetId) {
    List<ApiTokenRecord> out = new ArrayList<>();
    for (byte[] raw : tokens.values()) {
      ApiTokenRecord t = parse(raw);
      if (t.getTailnetId().equals(tailnetId)) {
        out.add(t);
      }
    }
    out.sort(Comparator.comparing(ApiTokenRecord::getTokenId));
    return out;
  }

  /** Revokes {@code tokenId}; 404 when the caller may not see it. */
  public Future<ApiTokenRecord> revoke(Principal caller, String tokenId, String reason) {
    return vertx
        .executeBlocking(
            () -> {
              ApiTokenRecord t =
                  byId(tokenId)
                      .filter(x -> caller.canRead(x.getTailnetId()))
                      .orElseThrow(() -> ApiException.of(ErrorCode.NOT_FOUND, "Token not found."));
              boolean own =
                  !t.getOwnerUserId().isEmpty() && t.getOwnerUserId().equals(caller.ownerUserId());
              if (!own) {
                caller.requireAdminister(t.getTailnetId());
              }
              return t;
            })
        .compose(
            t -> {
              if (t.getRevoked()) {
                return Future.succeededFuture(t);
              }
              var event =
                  events
                      .draft(
                          t.getTailnetId(),
                          tokenId,
                          caller.actor(),
                          ApiTokenRevoked.newBuilder()
                              .setTokenId(tokenId)
                              .setReason(reason == null ? "" : reason)
                              .build())
                      .subject("API token " + ApiTokenText.displayPrefix(tokenId) + " revoked")
                      .build();
              return log.appendAndApply(List.of(event))
                  .compose(v -> vertx.executeBlocking(() -> byId(tokenId).orElseThrow()));
            });
  }

  private Optional<ApiTokenRecord> byId(String id) {
    return Optional.ofNullable(tokens.get(id)).map(TokenCommands::parse);
  }

  private static ApiTokenRecord parse(byte[] raw) {
    try {
      return ApiTokenRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored token record is unreadable.", e);
    }
  }
}
