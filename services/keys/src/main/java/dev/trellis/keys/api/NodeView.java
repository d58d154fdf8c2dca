package dev.trellis.keys.api;

import dev.trellis.keys.registry.Registration;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.NodeRouteState;
import java.time.Instant;
import java.util.List;

/**
 * A node as the admin API shows it: keys in their text forms, times in ISO-8601 (null when unset),
 * and its addresses from ipam when known.
 *
 * @param id the node id
 * @param tailnetId its tailnet
 * @param name its MagicDNS name
 * @param hostname the hostname it reported
 * @param os its operating system family
 * @param userId the owning user; empty for a tagged node
 * @param tags its ACL tags
 * @param addresses its 100.x and IPv6 addresses (may be empty)
 * @param machineKey {@code mkey:<hex>}
 * @param nodeKey {@code nodekey:<hex>}
 * @param discoKey {@code discokey:<hex>}, or null
 * @param ephemeral whether it is removed soon after going offline
 * @param keyExpiry when its key expires, or null
 * @param keyExpiryDisabled whether an admin turned expiry off
 * @param expired whether its key has expired
 * @param revoked whether its key was revoked
 * @param approved whether it may use the network
 * @param authKeyId the auth key it registered with ("" for interactive)
 * @param createdAt when it registered
 * @param offlineSince when it went offline, or null when online or never seen
 * @param advertisedRoutes the routes the device offers (subnets; both default routes for an exit
 *     node), canonical and sorted
 * @param approvedRoutes the routes an administrator approved for it
 * @param primaryRoutes the subnet routes it carries now as primary router (from the coordinator)
 */
public record NodeView(
    String id,
    String tailnetId,
    String name,
    String hostname,
    String os,
    String userId,
    List<String> tags,
    List<String> addresses,
    String machineKey,
    String nodeKey,
    String discoKey,
    boolean ephemeral,
    String keyExpiry,
    boolean keyExpiryDisabled,
    boolean expired,
    boolean revoked,
    boolean approved,
    String authKeyId,
    String createdAt,
    String offlineSince,
    List<String> advertisedRoutes,
    List<String> approvedRoutes,
    List<String> primaryRoutes) {

  /**
   * The view of {@code r} with its addresses, offline time and the coordinator's route state
   * ({@code routes}; the empty state when the coordinator has none).
   */
  public static NodeView of(
      NodeRecord r, List<String> addresses, Long offlineSinceMillis, NodeRouteState routes) {
    return new NodeView(
        r.getNodeId(),
        r.getTailnetId(),
        r.getName(),
        r.getHostname(),
        r.getOs(),
        r.getUserId(),
        List.copyOf(r.getTagsList()),
        addresses == null ? List.of() : addresses,
        MachinePublicKey.fromBytes(r.getMachineKey().toByteArray()).toString(),
        NodePublicKey.fromBytes(r.getNodeKey().toByteArray()).toString(),
        r.getDiscoKey().size() == 32
            ? DiscoPublicKey.fromBytes(r.getDiscoKey().toByteArray()).toString()
            : null,
        r.getEphemeral(),
        r.hasKeyExpiry() ? Registration.iso(r.getKeyExpiry()) : null,
        r.getKeyExpiryDisabled(),
        r.getExpired(),
        r.getRevoked(),
        r.getApproved(),
        r.getAuthKeyId(),
        Registration.iso(r.getCreatedAt()),
        offlineSinceMillis == null ? null : Instant.ofEpochMilli(offlineSinceMillis).toString(),
        List.copyOf(r.getAdvertisedRoutesList()),
        List.copyOf(r.getApprovedRoutesList()),
        List.copyOf(routes.getPrimaryList()));
  }
}
