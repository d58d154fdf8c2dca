package dev.trellis.identity.user;

import dev.trellis.identity.projection.IdentityProjection;
import dev.trellis.proto.state.v1.UserRecord;
import java.util.Locale;

/**
 * A user in API responses.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the user id
 * @param tailnetId the user's tailnet
 * @param email the login email
 * @param displayName the display name (may be empty)
 * @param role the role, e.g. {@code admin}
 * @param loginMethod {@code password}, {@code oidc} or {@code unspecified}
 * @param createdAt ISO-8601 creation time
 * @param lastLoginAt ISO-8601 time of the last sign-in, or null
 */
public record UserView(
    String id,
    String tailnetId,
    String email,
    String displayName,
    String role,
    String loginMethod,
    String createdAt,
    String lastLoginAt) {

  /** The view of {@code u}. */
  public static UserView of(UserRecord u) {
    return new UserView(
        u.getUserId(),
        u.getTailnetId(),
        u.getEmail(),
        u.getDisplayName(),
        Roles.name(u.getRole()),
        u.getLoginProvider().name().toLowerCase(Locale.ROOT).replace("login_method_", ""),
        IdentityProjection.iso(u.getCreatedAt()),
        u.hasLastLoginAt() ? IdentityProjection.iso(u.getLastLoginAt()) : null);
  }
}
