package dev.trellis.identity.user;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRemoved;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.event.v1.UserRoleChanged;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Decides changes to users: adding one (an admin's invite or a first single sign-on), changing a
 * role, removing one. An email is unique within a tailnet: the deciding instance claims {@code
 * <tailnet>/<email>} with {@code putIfAbsent} before appending, so two instances adding the same
 * email concurrently cannot both succeed. Nobody grants a role above their own, only owners touch
 * owners, and the last owner cannot be demoted or removed.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class UserCommands {
  static final String EMAIL_CLAIMS = "identity-claims.user-emails";
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");

  private final Vertx vertx;
  private final Events events;
  private final IdentityLog log;
  private final UserDirectory users;
  private final IMap<String, String> claims;
  private final Consumer<String> forget;

  /**
   * @param forget called (on a worker) with the id of each removed user, to drop its private
   *     credentials (its password hash)
   */
  public UserCommands(
      Vertx vertx,
      Events events,
      IdentityLog log,
      UserDirectory users,
      HazelcastInstance hazelcast,
      Consumer<String> forget) {
    this.vertx = vertx;
    this.events = events;
    this.log = log;
    this.users = users;
    this.claims = hazelcast.getMap(EMAIL_CLAIMS);
    this.forget = forget;
  }

  /** The normalised email in {@code field}; 400 naming the field when it is not an address. */
  public static String checkEmail(String email, String field) {
    if (email == null || !EMAIL.matcher(email.strip()).matches()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "Expected an email address.");
    }
    return email.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Adds a user to {@code tailnetId}; 409 USER_EXISTS when the email is taken there.
   *
   * @param oidcSubject {@code <issuer>#<sub>} for single sign-on users, empty otherwise
   */
  public Future<UserRecord> add(
      String tailnetId,
      String email,
      String displayName,
      UserRole role,
      LoginMethod method,
      String oidcSubject,
      Actor actor) {
    String userId = "u" + ApiTokenText.newTokenId();
    String key = UserDirectory.emailKey(tailnetId, email);
    return vertx
        .executeBlocking(
            () ->
                users.byEmail(tailnetId, email).isPresent()
                    ? "existing"
                    : claims.putIfAbsent(key, userId))
        .compose(
            holder -> {
              if (holder != null) {
                return Future.failedFuture(ApiException.of(ErrorCode.USER_EXISTS));
              }
              var event =
                  events
                      .draft(
                          tailnetId,
                          userId,
                          actor,
                          UserCreated.newBuilder()
                              .setUserId(userId)
                              .setEmail(email)
                              .setDisplayName(displayName == null ? "" : displayName)
                              .setLoginProvider(method)
                              .setRole(role)
                              .setOidcSubject(oidcSubject)
                              .build())
                      .subject("user " + email + " (" + Roles.name(role) + ")")
                      .build();
              return log.appendAndApply(List.of(event))
                  .recover(
                      err ->
                          vertx
                              .executeBlocking(() -> claims.remove(key, userId))
                              .transform(x -> Future.failedFuture(err)))
                  .compose(v -> vertx.executeBlocking(() -> users.byId(userId).orElseThrow()));
            });
  }

  /** Changes {@code userId}'s role as {@code caller}. */
  public Future<UserRecord> setRole(Principal caller, String userId, UserRole role) {
    return vertx
        .executeBlocking(
            () -> {
              UserRecord u = checkTouch(caller, userId);
              Roles.requireGrantable(caller, role);
              if (u.getRole() == UserRole.OWNER && role != UserRole.OWNER) {
                requireAnotherOwner(u);
              }
              return u;
            })
        .compose(
            u -> {
              if (u.getRole() == role) {
                return Future.succeededFuture(u);
              }
              var event =
                  events
                      .draft(
                          u.getTailnetId(),
                          userId,
                          caller.actor(),
                          UserRoleChanged.newBuilder()
                              .setUserId(userId)
                              .setOldRole(u.getRole())
                              .setNewRole(role)
                              .build())
                      .subject(
                          "user "
                              + u.getEmail()
                              + ": "
                              + Roles.name(u.getRole())
                              + " -> "
                              + Roles.name(role))
                      .build();
              return log.appendAndApply(List.of(event))
                  .compose(v -> vertx.executeBlocking(() -> users.byId(userId).orElseThrow()));
            });
  }

  /** Removes {@code userId} as {@code caller}. */
  public Future<UserRecord> remove(Principal caller, String userId, String reason) {
    return vertx
        .executeBlocking(
            () -> {
              UserRecord u = checkTouch(caller, userId);
              if (u.getRole() == UserRole.OWNER) {
                requireAnotherOwner(u);
              }
              return u;
            })
        .compose(
            u -> {
              var event =
                  events
                      .draft(
                          u.getTailnetId(),
                          userId,
                          caller.actor(),
                          UserRemoved.newBuilder()
                              .setUserId(userId)
                              .setEmail(u.getEmail())
                              .setReason(reason == null ? "" : reason)
                              .build())
                      .subject("user " + u.getEmail() + " removed")
                      .build();
              String key = UserDirectory.emailKey(u.getTailnetId(), u.getEmail());
              return log.appendAndApply(List.of(event))
                  .compose(
                      v ->
                          vertx.executeBlocking(
                              () -> {
                                forget.accept(userId);
                                return claims.remove(key, userId);
                              }))
                  .map(x -> u);
            });
  }

  private UserRecord checkTouch(Principal caller, String userId) {
    UserRecord u = users.visible(caller, userId);
    caller.requireAdminister(u.getTailnetId());
    if (u.getRole() == UserRole.OWNER
        && !caller.deploymentAdmin()
        && caller.role() != UserRole.OWNER) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "Only an owner can change an owner.");
    }
    return u;
  }

  private void requireAnotherOwner(UserRecord u) {
    long owners =
        users.list(u.getTailnetId()).stream().filter(x -> x.getRole() == UserRole.OWNER).count();
    if (owners <= 1) {
      throw ApiException.of(ErrorCode.CONFLICT, "A tailnet keeps at least one owner.");
    }
  }
}
