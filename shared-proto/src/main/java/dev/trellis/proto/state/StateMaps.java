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

  /**
   * User id to {@code trellis.state.v1.SessionRevocationRecord} bytes: which of the user's web
   * sessions ended early; written by identity, checked wherever a session is accepted.
   */
  public static final String SESSION_REVOCATIONS = "identity.session-revocations";

  /**
   * Tailnet id to {@code trellis.state.v1.DefinedTagsRecord} bytes: the tags its current policy
   * defines in tagOwners; written by policy.
   */
  public static final String DEFINED_TAGS = "policy.defined-tags";

  /**
   * Login code to a pending interactive registration (JSON text: the machine and node keys, the
   * hostname and OS the device gave, and once a user approved it, their tailnet and user id), with
   * a 10-minute TTL; written by the coordinator, read by identity to refuse approvals of codes it
   * never issued. Not a projection.
   */
  public static final String PENDING_DEVICE_LOGINS = "coordinator-private.pending-registrations";

  /**
   * Node id to {@code trellis.state.v1.NodeRouteState} bytes: the routes the coordinator has in
   * force for the node and which it is primary for; written by the coordinator, read by the key
   * registry's admin API.
   */
  public static final String ROUTES = "coordinator.routes";

  private StateMaps() {}
}
