package dev.trellis.proto.state;

/**
 * Names of the Hazelcast maps that one service projects and others read: the shared-state contract
 * between services, kept in one place like the event schemas. A map's owner is the service named
 * first in its name; only the owner writes it.
 *
 * <p>Thread-safety: constants only.
 */
public final class StateMaps {
  /** Token id to {@code trellis.state.v1.ApiTokenRecord} bytes; written by identity. */
  public static final String API_TOKENS = "identity.api-tokens";

  /** Tailnet id to {@code trellis.state.v1.TailnetRecord} bytes; written by identity. */
  public static final String TAILNETS = "identity.tailnets";

  /** Tailnet name to tailnet id; written by identity. */
  public static final String TAILNET_NAMES = "identity.tailnet-names";

  /** User id to {@code trellis.state.v1.UserRecord} bytes; written by identity. */
  public static final String USERS = "identity.users";

  /** {@code <tailnet id>/<lower-case email>} to user id; written by identity. */
  public static final String USER_EMAILS = "identity.user-emails";

  /** Auth key id to {@code trellis.state.v1.AuthKeyRecord} bytes; written by identity. */
  public static final String AUTH_KEYS = "identity.auth-keys";

  /** Signing key id (kid) to {@code trellis.state.v1.SigningKeyRecord} bytes; by identity. */
  public static final String SIGNING_KEYS = "identity.signing-keys";

  private StateMaps() {}
}
