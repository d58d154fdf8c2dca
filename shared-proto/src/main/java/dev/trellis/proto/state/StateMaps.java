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

  /** Node id to {@code trellis.state.v1.NodeRecord} bytes; written by keys. */
  public static final String NODES = "keys.nodes";

  /**
   * {@code <tailnet id>/<machine key hex>} to the id of the node that machine is registered as;
   * written by keys.
   */
  public static final String NODE_MACHINE_KEYS = "keys.machine-keys";

  /** {@code <node key hex>} (lower-case, 64 digits) to the id of the node holding it; by keys. */
  public static final String NODE_KEYS = "keys.node-keys";

  private StateMaps() {}
}
