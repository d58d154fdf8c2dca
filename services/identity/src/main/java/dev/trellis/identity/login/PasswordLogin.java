package dev.trellis.identity.login;

import dev.trellis.identity.signing.SessionTokens;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides a password login: refuses while the account or the source IP is rate limited (429),
 * checks the tailnet allows password login, the user exists and the Argon2id hash matches (an
 * unknown user costs the same hashing time, and every failure answers the same LOGIN_FAILED), then
 * issues a session token. Every attempt becomes a {@code LoginSucceeded} or {@code LoginFailed}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class PasswordLogin {
  private final Vertx vertx;
  private final TailnetDirectory tailnets;
  private final UserDirectory users;
  private final PasswordStore passwords;
  private final LoginThrottle throttle;
  private final SessionTokens sessions;
  private final LoginEvents events;

  /** A successful login. */
  public record Success(UserRecord user, SessionTokens.Issued session) {}

  private record Outcome(
      String tailnetId, UserRecord user, ErrorCode refusal, SessionTokens.Issued session) {}

  public PasswordLogin(
      Vertx vertx,
      TailnetDirectory tailnets,
      UserDirectory users,
      PasswordStore passwords,
      LoginThrottle throttle,
      SessionTokens sessions,
      LoginEvents events) {
    this.vertx = vertx;
    this.tailnets = tailnets;
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.sessions = sessions;
    this.events = events;
  }

  /** Signs in {@code email} of {@code tailnet} with {@code password}. */
  public Future<Success> login(
      String tailnet, String email, char[] password, LoginEvents.Source src) {
    return vertx
        .executeBlocking(() -> decide(tailnet, email, password, src), false)
        .compose(
            o -> {
              if (o.refusal() != null) {
                String userId = o.user() == null ? null : o.user().getUserId();
                return events
                    .failed(
                        o.tailnetId(), userId, email, LoginMethod.PASSWORD, o.refusal().code(), src)
                    .transform(x -> Future.failedFuture(ApiException.of(o.refusal())));
              }
              return events
                  .succeeded(o.user(), LoginMethod.PASSWORD, o.session().sessionId(), src)
                  .map(v -> new Success(o.user(), o.session()));
            });
  }

  private Outcome decide(String tailnet, String email, char[] password, LoginEvents.Source src) {
    Optional<TailnetRecord> t;
    try {
      t = Optional.of(tailnets.resolve(tailnet));
    } catch (ApiException e) {
      t = Optional.empty();
    }
    String tailnetId = t.map(TailnetRecord::getTailnetId).orElse(null);
    String accountKey = LoginThrottle.account(tailnetId == null ? tailnet : tailnetId, email);
    String ipKey = LoginThrottle.ip(src.ip());
    if (throttle.limited(accountKey, ipKey)) {
      return new Outcome(tailnetId, null, ErrorCode.RATE_LIMITED, null);
    }
    Optional<UserRecord> user =
        tailnetId == null ? Optional.empty() : users.byEmail(tailnetId, email);
    String hash = user.map(u -> passwords.hashOf(u.getUserId())).orElse(null);
    boolean allowed = t.map(x -> x.getSettings().getPasswordLoginEnabled()).orElse(false);
    boolean ok;
    if (hash == null) {
      PasswordHash.burn(password);
      ok = false;
    } else {
      ok = PasswordHash.verify(password, hash);
    }
    java.util.Arrays.fill(password, '\0');
    if (!ok || !allowed) {
      throttle.failed(accountKey, ipKey);
      return new Outcome(tailnetId, user.orElse(null), ErrorCode.LOGIN_FAILED, null);
    }
    throttle.succeeded(accountKey);
    var session = sessions.issue(user.get(), LoginMethod.PASSWORD, "s" + UUID.randomUUID());
    return new Outcome(tailnetId, user.get(), null, session);
  }
}
