package dev.trellis.agent.localapi;

import java.util.List;

/**
 * A node's routes as {@code trellis status} shows them.
 *
 * @param advertised the routes it offers (for this device: its own {@code --advertise-routes} and
 *     exit node offer)
 * @param approved the routes in force for it (advertised and approved)
 * @param primary the subnet routes it carries now as primary router
 * @param exitNodeOption whether it is an approved exit node
 * @param exitNodeActive whether this device sends its internet traffic through it
 *     <p>Thread-safety: immutable.
 */
public record NodeRoutes(
    List<String> advertised,
    List<String> approved,
    List<String> primary,
    boolean exitNodeOption,
    boolean exitNodeActive) {
  /** No routes. */
  public static final NodeRoutes NONE =
      new NodeRoutes(List.of(), List.of(), List.of(), false, false);

  public NodeRoutes {
    advertised = List.copyOf(advertised);
    approved = List.copyOf(approved);
    primary = List.copyOf(primary);
  }

  /** Whether there is anything to show. */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
