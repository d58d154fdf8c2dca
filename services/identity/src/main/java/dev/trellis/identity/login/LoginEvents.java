package dev.trellis.identity.login;

import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.LoginFailed;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.event.v1.LoginSucceeded;
import dev.trellis.proto.event.v1.SsoProvider;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.eventlog.Events;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Appends {@code LoginSucceeded} and {@code LoginFailed} for every sign-in path (password, single
 * sign-on). Never a password or token: the claimed identity is the typed email or the provider's
 * subject, the session appears by id only.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LoginEvents {
  /** Tailnet id under which failures that name no known tailnet are logged. */
  public static final String NO_TAILNET = "-";

  private final Events events;
  private final IdentityLog log;

  /** Where an attempt came from. */
  public record Source(String ip, String userAgent) {
    /** The source of a request. */
    public static Source of(RoutingContext ctx) {
      String ua = ctx.request().getHeader("User-Agent");
      String ip =
          ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
      return new Source(
          ip == null ? "" : ip, ua == null ? "" : ua.substring(0, Math.min(256, ua.length())));
    }
  }

  public LoginEvents(Events events, IdentityLog log) {
    this.events = events;
    this.log = log;
  }

  /** Appends a success and waits for the projection (last login time). */
  public Future<Void> succeeded(UserRecord u, LoginMethod method, String sessionId, Source src) {
    return succeeded(u, method, SsoProvider.SSO_PROVIDER_UNSPECIFIED, sessionId, src);
  }

  /** Appends a success through {@code provider} and waits for the projection. */
  public Future<Void> succeeded(
      UserRecord u, LoginMethod method, SsoProvider provider, String sessionId, Source src) {
    Actor actor =
        Actor.newBuilder()
            .setKind(Actor.Kind.USER)
            .setId(u.getUserId())
            .setDisplay(u.getEmail())
            .build();
    var event =
        events
            .draft(
                u.getTailnetId(),
                u.getUserId(),
                actor,
                LoginSucceeded.newBuilder()
                    .setUserId(u.getUserId())
                    .setMethod(method)
                    .setSourceIp(src.ip())
                    .setUserAgent(src.userAgent())
                    .setSessionId(sessionId)
                    .setSsoProvider(provider)
                    .build())
            .subject(
                "login "
                    + u.getEmail()
                    + " ("
                    + method.name().toLowerCase()
                    + (provider == SsoProvider.SSO_PROVIDER_UNSPECIFIED
                        ? ""
                        : " " + provider.name().substring(4).toLowerCase())
                    + ")")
            .build();
    return log.appendAndApply(List.of(event));
  }

  /** Appends a failure. */
  public Future<Void> failed(
      String tailnetId,
      String userId,
      String claimed,
      LoginMethod method,
      String reasonCode,
      Source src) {
    return failed(
        tailnetId, userId, claimed, method, SsoProvider.SSO_PROVIDER_UNSPECIFIED, reasonCode, src);
  }

  /** Appends a failure of a sign-in through {@code provider}. */
  public Future<Void> failed(
      String tailnetId,
      String userId,
      String claimed,
      LoginMethod method,
      SsoProvider provider,
      String reasonCode,
      Source src) {
    String claimedText =
        claimed == null ? "" : claimed.substring(0, Math.min(256, claimed.length()));
    Actor actor =
        Actor.newBuilder()
            .setKind(Actor.Kind.SYSTEM)
            .setId("identity/login")
            .setDisplay("sign-in attempt from " + src.ip())
            .build();
    var event =
        events
            .draft(
                tailnetId == null ? NO_TAILNET : tailnetId,
                userId == null ? "" : userId,
                actor,
                LoginFailed.newBuilder()
                    .setUserId(userId == null ? "" : userId)
                    .setClaimedIdentity(claimedText)
                    .setMethod(method)
                    .setReasonCode(reasonCode)
                    .setSourceIp(src.ip())
                    .setUserAgent(src.userAgent())
                    .setSsoProvider(provider)
                    .build())
            .subject("login failed: " + reasonCode)
            .build();
    return log.append(List.of(event));
  }
}
