package dev.trellis.identity.user;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.access.RoleRank;
import dev.trellis.runtime.http.ApiException;
import java.util.Locale;

/**
 * Orders roles so that a caller never grants more than it holds: owner > admin > network-admin >
 * auditor > member. Parses role names from requests ({@code owner}, {@code admin}, {@code
 * network-admin}, {@code auditor}, {@code member}).
 *
 * <p>Thread-safety: stateless.
 */
public final class Roles {
  private Roles() {}

  /** The rank of {@code role}; 0 for unknown roles (grants nothing). */
  public static int rank(UserRole role) {
    return RoleRank.of(role);
  }

  /** The role named {@code text} in field {@code field}; 400 naming the field otherwise. */
  public static UserRole parse(String text, String field) {
    if (text == null) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "A role is required.");
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "owner" -> UserRole.OWNER;
      case "admin" -> UserRole.ADMIN;
      case "network-admin" -> UserRole.NETWORK_ADMIN;
      case "auditor" -> UserRole.AUDITOR;
      case "member" -> UserRole.MEMBER;
      default ->
          throw ApiException.field(
              ErrorCode.BAD_REQUEST,
              field,
              "Expected one of owner, admin, network-admin, auditor, member.");
    };
  }

  /** The request form of {@code role}. */
  public static String name(UserRole role) {
    return role.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Fails with 403 unless {@code caller} may grant {@code role} (deployment admins may). */
  public static void requireGrantable(Principal caller, UserRole role) {
    if (!caller.deploymentAdmin() && rank(role) > rank(caller.role())) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN,
          "You cannot grant a role above your own (" + name(caller.role()) + ").");
    }
  }
}
