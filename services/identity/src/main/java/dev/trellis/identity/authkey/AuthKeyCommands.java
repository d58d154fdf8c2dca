package dev.trellis.identity.authkey;

import com.google.protobuf.Timestamp;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.AuthKeyCreated;
import dev.trellis.proto.event.v1.AuthKeyRevoked;
import dev.trellis.proto.state.v1.AuthKeyRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides the creation and revocation of auth keys by a tailnet's owners and admins. The key text
 * is returned once to its creator; the log and the projection hold only its SHA-256.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class AuthKeyCommands {
  /** Longest lifetime of an auth key. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(365);

  /** Most tags one key may give its nodes (as many as a node may carry). */
  public static final int MAX_TAGS = 32;

  private static final Pattern TAG = Pattern.compile("tag:[a-z0-9][a-z0-9-]{0,62}");

  private final Vertx vertx;
  private final Events events;
  private final IdentityLog log;
  private final Clock clock;
  private final AuthKeyDirectory keys;

  /** What a new key allows. */
  public record Options(
      boolean reusable,
      boolean ephemeral,
      boolean preapproved,
      List<String> tags,
      Duration lifetime,
      int uses,
      String description) {

    /** Checks the options; 400/422 naming the field. */
    public Options {
      tags = tags == null ? List.of() : List.copyOf(tags);
      if (tags.size() > MAX_TAGS) {
        throw ApiException.field(
            ErrorCode.VALIDATION_FAILED, "tags", "At most " + MAX_TAGS + " tags are allowed.");
      }
      for (int i = 0; i < tags.size(); i++) {
        if (tags.get(i) == null || !TAG.matcher(tags.get(i)).matches()) {
          throw ApiException.field(
              ErrorCode.VALIDATION_FAILED,
              "tags[" + i + "]",
              "A tag is 'tag:' and lower-case letters, digits or hyphens.");
        }
      }
      if (uses < 0) {
        throw ApiException.field(ErrorCode.VALIDATION_FAILED, "uses", "Must not be negative.");
      }
      if (!reusable && uses > 1) {
        throw ApiException.field(
            ErrorCode.VALIDATION_FAILED, "uses", "A usage limit needs a reusable key.");
      }
    }
  }

  /** A created key: its record and its text, shown once. */
  public record Created(AuthKeyRecord record, String key) {}

  public AuthKeyCommands(
      Vertx vertx, Events events, IdentityLog log, Clock clock, AuthKeyDirectory keys) {
    this.vertx = vertx;
    this.events = events;
    this.log = log;
    this.clock = clock;
    this.keys = keys;
  }

  /** Creates a key in {@code tailnetId} (already scoped: the caller administers it). */
  public Future<Created> create(Principal caller, String tailnetId, Options o) {
    String id = ApiTokenText.newTokenId();
    String text = AuthKeyText.generate(id);
    Instant expires = clock.instant().plus(o.lifetime());
    var payload =
        AuthKeyCreated.newBuilder()
            .setKeyId(id)
            .setPrefix(AuthKeyText.displayPrefix(id))
            .setKeyHash(AuthKeyText.hash(text))
            .setReusable(o.reusable())
            .setEphemeral(o.ephemeral())
            .setPreapproved(o.preapproved())
            .addAllTags(o.tags())
            .setExpiresAt(
                Timestamp.newBuilder()
                    .setSeconds(expires.getEpochSecond())
                    .setNanos(expires.getNano()))
            .setUsageLimit(o.reusable() ? o.uses() : 1)
            .setCreatorUserId(caller.ownerUserId() == null ? "" : caller.ownerUserId())
            .setDescription(o.description() == null ? "" : o.description())
            .build();
    var event =
        events
            .draft(tailnetId, id, caller.actor(), payload)
            .subject(
                "auth key "
                    + payload.getPrefix()
                    + (o.reusable() ? " (reusable)" : " (one-off)")
                    + (o.tags().isEmpty() ? "" : " " + String.join(",", o.tags())))
            .build();
    return log.appendAndApply(List.of(event))
        .compose(v -> vertx.executeBlocking(() -> keys.byId(id).orElseThrow()))
        .map(r -> new Created(r, text));
  }

  /** Revokes {@code keyId}; 404 when the caller may not see it. */
  public Future<AuthKeyRecord> revoke(Principal caller, String keyId, String reason) {
    return vertx
        .executeBlocking(
            () -> {
              AuthKeyRecord k =
                  keys.byId(keyId)
                      .filter(x -> caller.canRead(x.getTailnetId()))
                      .orElseThrow(
                          () -> ApiException.of(ErrorCode.NOT_FOUND, "Auth key not found."));
              caller.requireAdminister(k.getTailnetId());
              return k;
            })
        .compose(
            k -> {
              if (k.getRevoked()) {
                return Future.succeededFuture(k);
              }
              var event =
                  events
                      .draft(
                          k.getTailnetId(),
                          keyId,
                          caller.actor(),
                          AuthKeyRevoked.newBuilder()
                              .setKeyId(keyId)
                              .setReason(reason == null ? "" : reason)
                              .build())
                      .subject("auth key " + k.getPrefix() + " revoked")
                      .build();
              return log.appendAndApply(List.of(event))
                  .compose(v -> vertx.executeBlocking(() -> keys.byId(keyId).orElseThrow()));
            });
  }
}
