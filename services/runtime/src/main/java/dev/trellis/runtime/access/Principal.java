package dev.trellis.runtime.access;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.http.ApiException;
import java.util.Objects;

/**
 * An authenticated caller of the admin API: an API token scoped to one tailnet with a role, and
 * possibly the right to administer the deployment. Authorization checks live here so that every
 * endpoint asks the same questions the same way.
 *
 * <p>Thread-safety: immutable.
 *
 * @param tokenId the API token's public id
 * @param tailnetId the tailnet the token is scoped to
 * @param role the role the token acts with
 * @param ownerUserId the user who owns the token
 * @param deploymentAdmin whether the token may administer every tailnet
 */
public record Principal(
    String tokenId, String tailnetId, UserRole role, String ownerUserId, boolean deploymentAdmin) {

  public Principal {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(tailnetId, "tailnetId");
    Objects.requireNonNull(role, "role");
  }

  private static final String SERVICE_PREFIX = "service:";

  /** A Trellis service calling an internal endpoint with a {@link ServiceCredentials} JWT. */
  public static Principal service(String name) {
    return new Principal(SERVICE_PREFIX + name, "", UserRole.USER_ROLE_UNSPECIFIED, "", false);
  }

  private static final String SESSION_PREFIX = "session:";

  /** A signed-in user acting through their web session, with the user's current role. */
  public static Principal session(String sessionId, dev.trellis.proto.state.v1.UserRecord user) {
    return new Principal(
        SESSION_PREFIX + sessionId, user.getTailnetId(), user.getRole(), user.getUserId(), false);
  }

  /** Whether the caller is a signed-in user's web session. */
  public boolean isSession() {
    return tokenId.startsWith(SESSION_PREFIX);
  }

  /** The session id ({@code sid}) of a session caller; empty for any other caller. */
  public String sessionId() {
    return isSession() ? tokenId.substring(SESSION_PREFIX.length()) : "";
  }

  /** Whether the caller is a Trellis service (not an administrator's token). */
  public boolean isService() {
    return tokenId.startsWith(SERVICE_PREFIX);
  }

  /** The actor to record on events this caller causes. */
  public Actor actor() {
    if (isSession()) {
      return Actor.newBuilder()
          .setKind(Actor.Kind.USER)
          .setId(ownerUserId)
          .setDisplay(ownerUserId)
          .build();
    }
    if (isService()) {
      return Actor.newBuilder()
          .setKind(Actor.Kind.SYSTEM)
          .setId(tokenId)
          .setDisplay(tokenId)
          .build();
    }
    return Actor.newBuilder()
        .setKind(Actor.Kind.API_TOKEN)
        .setId(tokenId)
        .setDisplay(ApiTokenText.displayPrefix(tokenId))
        .build();
  }

  /** Whether the caller may read {@code tailnet}'s data (any role; auditors included). */
  public boolean canRead(String tailnet) {
    return deploymentAdmin || tailnetId.equals(tailnet);
  }

  /** Whether the caller may change {@code tailnet}'s configuration (owner or admin). */
  public boolean canAdminister(String tailnet) {
    return deploymentAdmin
        || (tailnetId.equals(tailnet) && (role == UserRole.OWNER || role == UserRole.ADMIN));
  }

  /**
   * Whether the caller may change {@code tailnet}'s network configuration, its ACL policy and DNS
   * (owner, admin or network admin).
   */
  public boolean canEditNetwork(String tailnet) {
    return canAdminister(tailnet) || (tailnetId.equals(tailnet) && role == UserRole.NETWORK_ADMIN);
  }

  /**
   * Fails with 404 (not 403) when the caller may not read {@code tailnet}, so that callers learn
   * nothing about tailnets that are not theirs.
   */
  public void requireRead(String tailnet) {
    if (!canRead(tailnet)) {
      throw ApiException.of(ErrorCode.TAILNET_NOT_FOUND);
    }
  }

  /** Fails unless the caller may administer {@code tailnet} (404 if it may not even read it). */
  public void requireAdminister(String tailnet) {
    requireRead(tailnet);
    if (!canAdminister(tailnet)) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "This needs the owner or admin role.");
    }
  }

  /**
   * Fails unless the caller is a Trellis service or a deployment administrator: the check of every
   * internal endpoint ({@code /api/v1/internal/...}).
   */
  public void requireInternal() {
    if (!isService() && !deploymentAdmin) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "This endpoint is for Trellis services only.");
    }
  }

  /** Fails unless the caller administers the deployment. */
  public void requireDeploymentAdmin() {
    if (!deploymentAdmin) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "This needs a deployment administrator's token.");
    }
  }
}
