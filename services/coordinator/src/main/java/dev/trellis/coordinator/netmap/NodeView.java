package dev.trellis.coordinator.netmap;

import com.google.protobuf.ByteString;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.HostInfo;
import java.time.Instant;
import java.util.List;

/**
 * One node as the coordinator's model knows it: keys, addresses, reported state and lifecycle
 * flags, folded from the keys, ipam and coordinator topics. Every change makes a new value, so a
 * change is a pair (before, after) that every affected stream diffs once.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id node id
 * @param tailnetId the tailnet it belongs to
 * @param machineKey machine public key (32 bytes)
 * @param nodeKey current node public key (32 bytes)
 * @param discoKey disco public key (32 bytes; empty if none)
 * @param name MagicDNS label (e.g. "laptop-2")
 * @param userId owner; empty for a tagged node
 * @param tags ACL tags
 * @param ephemeral whether the node is ephemeral
 * @param keyExpiry when the node key expires; null for never
 * @param expired whether the key has expired
 * @param revoked whether the key was revoked
 * @param approved whether the node may use the network (device approval)
 * @param ipv4 IPv4 address without prefix; empty until allocated
 * @param ipv6 IPv6 address without prefix; empty until allocated
 * @param endpoints reported endpoints
 * @param hostInfo reported host information
 * @param homeRelay home relay region, 0 for none
 * @param online whether a map stream is open
 * @param lastSeen when last seen; null if never
 * @param holder the coordinator instance named by its last NodeOnline; empty if none
 * @param approvedRoutes routes an administrator approved (keys' NodeRoutesApproved), sorted
 * @param onlineSince envelope time of the NodeOnline that made it online; null while offline
 * @param routes what the model derived from the routes it advertises (host info's routable_ips),
 *     their approval and the primary election ({@link RouteElection})
 */
public record NodeView(
    String id,
    String tailnetId,
    ByteString machineKey,
    ByteString nodeKey,
    ByteString discoKey,
    String name,
    String userId,
    List<String> tags,
    boolean ephemeral,
    Instant keyExpiry,
    boolean expired,
    boolean revoked,
    boolean approved,
    String ipv4,
    String ipv6,
    List<Endpoint> endpoints,
    HostInfo hostInfo,
    int homeRelay,
    boolean online,
    Instant lastSeen,
    String holder,
    List<String> approvedRoutes,
    Instant onlineSince,
    DerivedRoutes routes) {

  public NodeView {
    tags = List.copyOf(tags);
    endpoints = List.copyOf(endpoints);
    approvedRoutes = List.copyOf(approvedRoutes);
    routes = routes == null ? DerivedRoutes.NONE : routes;
  }

  /**
   * What the model derived about a node's routes, recomputed whenever anything they depend on
   * changes.
   *
   * @param autoApproved advertised routes the tailnet policy's autoApprovers approve, sorted
   * @param inForce advertised routes approved by an admin or by autoApprovers, sorted
   * @param primary in-force subnet routes this node is the primary router of now, sorted
   */
  public record DerivedRoutes(
      List<String> autoApproved, List<String> inForce, List<String> primary) {
    /** No routes. */
    public static final DerivedRoutes NONE = new DerivedRoutes(List.of(), List.of(), List.of());

    public DerivedRoutes {
      autoApproved = List.copyOf(autoApproved);
      inForce = List.copyOf(inForce);
      primary = List.copyOf(primary);
    }

    /** Whether both default routes are in force (an exit node). */
    public boolean exitNode() {
      return inForce.contains("0.0.0.0/0") && inForce.contains("::/0");
    }
  }

  /** The routes it advertises now (host info's routable_ips, checked), sorted. */
  public List<String> advertisedRoutes() {
    return hostInfo.getRoutableIpsList();
  }

  /** Whether anything about routes is known of it (advertised, approved or derived). */
  public boolean hasRoutes() {
    return hostInfo.getRoutableIpsCount() > 0
        || !approvedRoutes.isEmpty()
        || !routes.equals(DerivedRoutes.NONE);
  }

  /** Approved, addressed, and its key neither expired nor revoked: it may take part. */
  public boolean authorized() {
    return approved && !ipv4.isEmpty() && !expired && !revoked;
  }

  /**
   * Approved, addressed and not revoked, though its key may have expired: others keep it in their
   * netmaps (marked key_expired while it is, so their agents leave it out of WireGuard), as
   * Tailscale does, so that an expired device shows as expired rather than vanishing.
   */
  public boolean listed() {
    return approved && !ipv4.isEmpty() && !revoked;
  }

  /** A builder starting from this value. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Makes changed copies of a {@link NodeView}; not thread-safe. */
  public static final class Builder {
    private String id;
    private String tailnetId;
    private ByteString machineKey;
    private ByteString nodeKey;
    private ByteString discoKey;
    private String name;
    private String userId;
    private List<String> tags;
    private boolean ephemeral;
    private Instant keyExpiry;
    private boolean expired;
    private boolean revoked;
    private boolean approved;
    private String ipv4;
    private String ipv6;
    private List<Endpoint> endpoints;
    private HostInfo hostInfo;
    private int homeRelay;
    private boolean online;
    private Instant lastSeen;
    private String holder;
    private List<String> approvedRoutes;
    private Instant onlineSince;
    private DerivedRoutes routes;

    private Builder(NodeView v) {
      id = v.id;
      tailnetId = v.tailnetId;
      machineKey = v.machineKey;
      nodeKey = v.nodeKey;
      discoKey = v.discoKey;
      name = v.name;
      userId = v.userId;
      tags = v.tags;
      ephemeral = v.ephemeral;
      keyExpiry = v.keyExpiry;
      expired = v.expired;
      revoked = v.revoked;
      approved = v.approved;
      ipv4 = v.ipv4;
      ipv6 = v.ipv6;
      endpoints = v.endpoints;
      hostInfo = v.hostInfo;
      homeRelay = v.homeRelay;
      online = v.online;
      lastSeen = v.lastSeen;
      holder = v.holder;
      approvedRoutes = v.approvedRoutes;
      onlineSince = v.onlineSince;
      routes = v.routes;
    }

    public Builder nodeKey(ByteString v) {
      nodeKey = v;
      return this;
    }

    public Builder discoKey(ByteString v) {
      discoKey = v;
      return this;
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder owner(String user, List<String> newTags) {
      userId = user;
      tags = newTags;
      return this;
    }

    public Builder keyExpiry(Instant v) {
      keyExpiry = v;
      return this;
    }

    public Builder expired(boolean v) {
      expired = v;
      return this;
    }

    public Builder revoked(boolean v) {
      revoked = v;
      return this;
    }

    public Builder approved(boolean v) {
      approved = v;
      return this;
    }

    public Builder addresses(String v4, String v6) {
      ipv4 = v4;
      ipv6 = v6;
      return this;
    }

    public Builder endpoints(List<Endpoint> v) {
      endpoints = v;
      return this;
    }

    public Builder hostInfo(HostInfo v) {
      hostInfo = v;
      return this;
    }

    public Builder homeRelay(int v) {
      homeRelay = v;
      return this;
    }

    public Builder online(boolean v) {
      online = v;
      return this;
    }

    public Builder lastSeen(Instant v) {
      lastSeen = v;
      return this;
    }

    public Builder holder(String v) {
      holder = v;
      return this;
    }

    public Builder approvedRoutes(List<String> v) {
      approvedRoutes = v;
      return this;
    }

    public Builder onlineSince(Instant v) {
      onlineSince = v;
      return this;
    }

    public Builder routes(DerivedRoutes v) {
      routes = v;
      return this;
    }

    public NodeView build() {
      return new NodeView(
          id,
          tailnetId,
          machineKey,
          nodeKey,
          discoKey,
          name,
          userId,
          tags,
          ephemeral,
          keyExpiry,
          expired,
          revoked,
          approved,
          ipv4,
          ipv6,
          endpoints,
          hostInfo,
          homeRelay,
          online,
          lastSeen,
          holder,
          approvedRoutes,
          onlineSince,
          routes);
    }
  }
}
