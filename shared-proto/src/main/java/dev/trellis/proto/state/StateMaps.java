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

  private StateMaps() {}
}
