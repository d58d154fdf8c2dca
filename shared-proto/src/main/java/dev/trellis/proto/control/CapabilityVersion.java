package dev.trellis.proto.control;

/**
 * The agent/control compatibility number: one integer the agent sends in every RegisterRequest and
 * MapRequest, so that the coordinator knows which messages and fields the agent understands. It
 * only grows; each step is recorded below with its date and what changed. The coordinator answers
 * agents older than {@link #MIN_SUPPORTED} with ErrorCode {@code CLIENT_TOO_OLD} and sends newer
 * features only to agents whose version includes them.
 *
 * <p>Changelog:
 *
 * <ul>
 *   <li>1 (2026-11-24): first version. RegisterRequest/Response with auth key or interactive login
 *       (auth_url + followup), MapRequest with endpoints, host info and resume token; MapResponse
 *       frames full, peers_added, peers_removed, peer_patches, keepalive, reauth_required,
 *       logged_out, self_changed, packet_filter_changed, relay_map_changed, dns_config_changed.
 *   <li>2 (2026-11-24): a full netmap over one record comes in parts ({@code
 *       MapResponse.more_parts}), applied once the last part arrives. Version 1 agents would take
 *       the first part for the whole netmap, so the minimum rises to 2 (no version 1 agent was
 *       released).
 *   <li>3 (2026-12-07): routes. {@code HostInfo.routable_ips} (the routes a device offers), {@code
 *       Node.primary_routes} and {@code Node.approved_routes}; a peer's {@code allowed_ips} may
 *       hold subnet routes and, for an exit node, 0.0.0.0/0 and ::/0, which the agent keeps only
 *       for the routes it accepts and the exit node it chose. A version 2 agent would send all of
 *       its traffic for the tailnet's unassigned addresses to an exit node, so the minimum rises to
 *       3 (no version 2 agent was released).
 *   <li>4 (2026-12-07): packed filter sources. {@code FilterRule.src_packed} carries a rule's
 *       concrete source prefixes in binary ({@link dev.trellis.proto.net.PackedPrefixes}), and
 *       {@code src_prefixes} only "*". A version 3 agent would see rules without sources and drop
 *       every packet they should allow, so the minimum rises to 4 (no version 3 agent was
 *       released).
 * </ul>
 *
 * <p>Thread-safety: constants only.
 */
public final class CapabilityVersion {

  /** The version this build of the agent and coordinator speaks. */
  public static final int CURRENT = 4;

  /** The oldest agent version the coordinator still serves. */
  public static final int MIN_SUPPORTED = 4;

  private CapabilityVersion() {}

  /** Whether a coordinator of this build serves an agent that sent {@code agentVersion}. */
  public static boolean isSupported(int agentVersion) {
    return agentVersion >= MIN_SUPPORTED;
  }
}
