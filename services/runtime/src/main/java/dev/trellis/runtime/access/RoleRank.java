package dev.trellis.runtime.access;

import dev.trellis.proto.event.v1.UserRole;

/**
 * The order of roles, for capping one by another: owner > admin > network-admin > auditor > member;
 * an unknown role ranks below every known one (it grants nothing).
 *
 * <p>Thread-safety: stateless.
 */
public final class RoleRank {
  private RoleRank() {}

  /** The rank of {@code role}; 0 for unknown roles. */
  public static int of(UserRole role) {
    return switch (role) {
      case OWNER -> 5;
      case ADMIN -> 4;
      case NETWORK_ADMIN -> 3;
      case AUDITOR -> 2;
      case MEMBER -> 1;
      default -> 0;
    };
  }

  /** The lower of two roles. */
  public static UserRole lower(UserRole a, UserRole b) {
    return of(a) <= of(b) ? a : b;
  }
}
