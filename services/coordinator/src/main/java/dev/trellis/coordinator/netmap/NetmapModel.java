package dev.trellis.coordinator.netmap;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointType;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.proto.event.NodePresence;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.event.v1.DeviceLoginCompleted;
import dev.trellis.proto.event.v1.DiscoKeyChanged;
import dev.trellis.proto.event.v1.DnsSettingsChanged;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeAuthorized;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeHomeRelayChanged;
import dev.trellis.proto.event.v1.NodeHostInfoUpdated;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeKeyExpiryDisabled;
import dev.trellis.proto.event.v1.NodeKeyRevoked;
import dev.trellis.proto.event.v1.NodeKeyRotated;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeRenamed;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.event.v1.NodeTagsChanged;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.TailnetSettingsChanged;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRemoved;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.runtime.eventlog.Events;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The coordinator's in-memory model of every tailnet, folded from the keys, ipam, coordinator and
 * identity topics: {@link #apply} takes one event and says what changed. Pure (no I/O): every
 * instance folds the same events into the same model. Events may arrive across topics in any order
 * (addresses, or what the coordinator topic says of a node — endpoints, host info, home relay,
 * online — before its registration, as an instance that starts later and replays the log sees
 * them); what cannot be applied yet is kept until it can ({@link #early}). Nodes are indexed by
 * machine key (registration and map requests look them up per channel message), and the relay fleet
 * from {@code trellis.relay} gives every tailnet the same relay map.
 *
 * <p>Routes: each node's routes in force and primaries ({@link NodeView#routes}) are derived by
 * {@link RouteElection} from the state of the tailnet's routers (what they advertise, what an admin
 * approved, who is online since when, their owner and tags) and the policy's autoApprovers,
 * recomputed after any event that changes one of those. One event may change several nodes (a
 * router going offline hands its prefixes to another): {@link #apply} then gives a {@link
 * ModelChange.NodeChanged} for each, one after the other.
 *
 * <p>Thread-safety: not thread-safe; one thread (the coordinator's model context) owns it.
 */
public final class NetmapModel {
  private final Map<String, TailnetView> tailnets = new HashMap<>();
  private final Map<String, String> tailnetOfNode = new HashMap<>();
  private final Map<String, String[]> earlyAddresses = new HashMap<>();

  /**
   * What the coordinator topic said of nodes whose registration has not been folded yet, in order,
   * applied to the node when it is: without it an instance replaying the log, whose consumer reads
   * the coordinator topic ahead of the keys topic, dropped a node's NodeOnline and showed a
   * connected device offline until its next presence event. Dropped on removal; an offline with
   * nothing kept is not kept either (a node starts offline).
   */
  private final Map<String, UnaryOperator<NodeView>> early = new HashMap<>();

  private final Map<ByteString, List<String>> byMachine = new HashMap<>();

  /** Per tailnet, the nodes with anything about routes ({@link NodeView#hasRoutes}). */
  private final Map<String, TreeSet<String>> routers = new HashMap<>();

  private final RelayFleet relays = new RelayFleet();
  private final PeerVisibility visibility;

  /** A model without policy (everyone of a tailnet sees everyone). */
  public NetmapModel() {
    this(new SameTailnetVisibility());
  }

  /** A model that keeps {@code visibility} (the policy) up to date with its nodes and users. */
  public NetmapModel(PeerVisibility visibility) {
    this.visibility = visibility;
  }

  /** Who sees whom (the policy), e.g. to check a registration's tags. */
  public PeerVisibility visibility() {
    return visibility;
  }

  /** The tailnet (created on first mention). */
  public TailnetView tailnet(String tailnetId) {
    return tailnets.computeIfAbsent(tailnetId, TailnetView::new);
  }

  /** The node, if known. */
  public Optional<NodeView> node(String nodeId) {
    String t = tailnetOfNode.get(nodeId);
    return t == null ? Optional.empty() : Optional.ofNullable(tailnet(t).nodes().get(nodeId));
  }

  /** The nodes online whose last NodeOnline named coordinator instance {@code instance}. */
  public List<NodeView> heldBy(String instance) {
    List<NodeView> out = new ArrayList<>();
    for (TailnetView t : tailnets.values()) {
      for (NodeView n : t.nodes().values()) {
        if (n.online() && instance.equals(n.holder())) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** The nodes registered with {@code machineKey}, in any tailnet. */
  public List<NodeView> byMachineKey(ByteString machineKey) {
    List<String> ids = byMachine.get(machineKey);
    if (ids == null) {
      return List.of();
    }
    List<NodeView> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      node(id).ifPresent(out::add);
    }
    return out;
  }

  /** The relay map of every tailnet (from the relay instances that are up). */
  public dev.trellis.proto.control.v1.RelayMap relayMap() {
    return relays.map();
  }

  /**
   * Folds one event into the model and gives {@code out} each change it made, in order (none if it
   * changed nothing a device can see). The visibility learns of each node change just before {@code
   * out} gets it, so a consumer that turns changes into frames as they come sees the visibility as
   * of that change.
   */
  public void apply(EventEnvelope e, Consumer<ModelChange> out) {
    Optional<ModelChange> c = fold(e);
    if (c.isEmpty()) {
      return;
    }
    ModelChange first = c.get();
    String tailnetId = routesAffectedBy(first);
    if (tailnetId == null) {
      emit(first, out);
      return;
    }
    TailnetView tv = tailnet(tailnetId);
    List<NodeView> nodes = new ArrayList<>();
    for (String id : routers.getOrDefault(tailnetId, new TreeSet<>())) {
      NodeView n = tv.nodes().get(id);
      if (n != null) {
        nodes.add(n);
      }
    }
    if (first instanceof ModelChange.NodeChanged nc
        && nc.after() != null
        && !routers.getOrDefault(tailnetId, new TreeSet<>()).contains(nc.nodeId())) {
      nodes.add(nc.after());
    }
    Map<String, NodeView.DerivedRoutes> derived =
        RouteElection.elect(nodes, visibility::autoApproves);
    String firstId = null;
    if (first instanceof ModelChange.NodeChanged nc && nc.after() != null) {
      firstId = nc.nodeId();
      NodeView.DerivedRoutes d = derived.getOrDefault(firstId, NodeView.DerivedRoutes.NONE);
      if (!d.equals(nc.after().routes())) {
        NodeView after = nc.after().toBuilder().routes(d).build();
        tv.nodes().put(firstId, after);
        first = new ModelChange.NodeChanged(tailnetId, nc.before(), after);
      }
    }
    emit(first, out);
    for (String id : new TreeSet<>(derived.keySet())) {
      NodeView current = tv.nodes().get(id);
      if (id.equals(firstId) || current == null) {
        continue;
      }
      NodeView.DerivedRoutes d = derived.get(id);
      if (!d.equals(current.routes())) {
        NodeView next = current.toBuilder().routes(d).build();
        tv.nodes().put(id, next);
        emit(new ModelChange.NodeChanged(tailnetId, current, next), out);
      }
    }
  }

  /**
   * {@link #apply(EventEnvelope, Consumer)} collecting the changes, for callers that look at them
   * afterwards rather than stream them.
   */
  public List<ModelChange> apply(EventEnvelope e) {
    List<ModelChange> out = new ArrayList<>(1);
    apply(e, out::add);
    return out;
  }

  private void emit(ModelChange c, Consumer<ModelChange> out) {
    if (c instanceof ModelChange.NodeChanged nc) {
      String t = nc.tailnetId();
      if (nc.after() != null && nc.after().hasRoutes()) {
        routers.computeIfAbsent(t, k -> new TreeSet<>()).add(nc.nodeId());
      } else {
        TreeSet<String> set = routers.get(t);
        if (set != null) {
          set.remove(nc.nodeId());
          if (set.isEmpty()) {
            routers.remove(t);
          }
        }
      }
      visibility.nodeChanged(nc);
    }
    out.accept(c);
  }

  /**
   * The tailnet whose routes {@code c} may change, or null: a change of what a router advertises,
   * has approved, of its presence, authorization or owner, and any policy change.
   */
  private String routesAffectedBy(ModelChange c) {
    if (c instanceof ModelChange.PolicyChanged pc) {
      return routers.containsKey(pc.tailnetId()) ? pc.tailnetId() : null;
    }
    if (!(c instanceof ModelChange.NodeChanged nc)) {
      return null;
    }
    NodeView a = nc.before();
    NodeView b = nc.after();
    if ((a == null || !a.hasRoutes()) && (b == null || !b.hasRoutes())) {
      return null;
    }
    if (a != null
        && b != null
        && a.advertisedRoutes().equals(b.advertisedRoutes())
        && a.approvedRoutes().equals(b.approvedRoutes())
        && a.online() == b.online()
        && Objects.equals(a.onlineSince(), b.onlineSince())
        && a.authorized() == b.authorized()
        && a.listed() == b.listed()
        && a.userId().equals(b.userId())
        && a.tags().equals(b.tags())) {
      return null;
    }
    return nc.tailnetId();
  }

  private Optional<ModelChange> fold(EventEnvelope e) {
    String t = e.getTailnetId();
    return switch (e.getType()) {
      case "trellis.event.v1.NodeRegistered" ->
          registered(t, pay(e, NodeRegistered.getDefaultInstance()));
      case "trellis.event.v1.NodeKeyRotated" -> {
        var p = pay(e, NodeKeyRotated.getDefaultInstance());
        yield update(
            p.getNodeId(),
            b ->
                b.nodeKey(p.getNewNodeKey())
                    .keyExpiry(time(p.hasKeyExpiry(), p.getKeyExpiry()))
                    .expired(false)
                    .revoked(false));
      }
      case "trellis.event.v1.NodeKeyExpired" -> {
        var p = pay(e, NodeKeyExpired.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.expired(true));
      }
      case "trellis.event.v1.NodeKeyRevoked" -> {
        var p = pay(e, NodeKeyRevoked.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.revoked(true));
      }
      case "trellis.event.v1.NodeKeyExpiryDisabled" -> {
        var p = pay(e, NodeKeyExpiryDisabled.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.keyExpiry(null));
      }
      case "trellis.event.v1.NodeRenamed" -> {
        var p = pay(e, NodeRenamed.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.name(p.getNewName()));
      }
      case "trellis.event.v1.NodeTagsChanged" -> {
        var p = pay(e, NodeTagsChanged.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.owner(p.getUserId(), p.getNewTagsList()));
      }
      case "trellis.event.v1.NodeAuthorized" -> {
        var p = pay(e, NodeAuthorized.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.approved(true));
      }
      case "trellis.event.v1.NodeRoutesApproved" -> {
        var p = pay(e, NodeRoutesApproved.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.approvedRoutes(checked(p.getApprovedRoutesList())));
      }
      case "trellis.event.v1.DiscoKeyChanged" -> {
        var p = pay(e, DiscoKeyChanged.getDefaultInstance());
        yield update(p.getNodeId(), b -> b.discoKey(p.getNewDiscoKey()));
      }
      case "trellis.event.v1.NodeRemoved" ->
          removed(pay(e, NodeRemoved.getDefaultInstance()).getNodeId());
      case "trellis.event.v1.AddressAllocated" -> {
        var p = pay(e, AddressAllocated.getDefaultInstance());
        if (node(p.getNodeId()).isEmpty()) {
          earlyAddresses.put(p.getNodeId(), new String[] {p.getIpv4(), p.getIpv6()});
          yield Optional.empty();
        }
        yield update(p.getNodeId(), b -> b.addresses(p.getIpv4(), p.getIpv6()));
      }
      case "trellis.event.v1.AddressReleased" -> {
        var p = pay(e, AddressReleased.getDefaultInstance());
        earlyAddresses.remove(p.getNodeId());
        yield update(p.getNodeId(), b -> b.addresses("", ""));
      }
      case "trellis.event.v1.NodeEndpointsReported" -> {
        var p = pay(e, NodeEndpointsReported.getDefaultInstance());
        List<Endpoint> eps = new ArrayList<>();
        p.getEndpointsList()
            .forEach(
                x ->
                    eps.add(
                        Endpoint.newBuilder()
                            .setAddress(x.getAddress())
                            .setType(
                                EndpointType.forNumber(x.getTypeValue()) == null
                                    ? EndpointType.ENDPOINT_TYPE_UNSPECIFIED
                                    : EndpointType.forNumber(x.getTypeValue()))
                            .build()));
        yield reported(p.getNodeId(), v -> v.toBuilder().endpoints(eps).build());
      }
      case "trellis.event.v1.NodeHostInfoUpdated" -> {
        var p = pay(e, NodeHostInfoUpdated.getDefaultInstance());
        yield reported(
            p.getNodeId(), v -> v.toBuilder().hostInfo(hostInfo(p.getHostInfo())).build());
      }
      case "trellis.event.v1.NodeHomeRelayChanged" -> {
        var p = pay(e, NodeHomeRelayChanged.getDefaultInstance());
        yield reported(p.getNodeId(), v -> v.toBuilder().homeRelay(p.getNewRegionId()).build());
      }
      case "trellis.event.v1.NodeOnline" -> {
        var p = pay(e, NodeOnline.getDefaultInstance());
        Instant at = Events.time(e);
        yield reported(
            p.getNodeId(),
            v ->
                v.toBuilder()
                    .online(true)
                    .lastSeen(at)
                    .holder(p.getCoordinatorInstance())
                    // Online since the NodeOnline that made it online; a move between instances
                    // (a NodeOnline while online) keeps it, so a router keeps its seniority.
                    .onlineSince(v.online() && v.onlineSince() != null ? v.onlineSince() : at)
                    .build());
      }
      case "trellis.event.v1.NodeOffline" -> {
        var p = pay(e, NodeOffline.getDefaultInstance());
        Instant seen = p.hasLastSeen() ? time(true, p.getLastSeen()) : Events.time(e);
        if (node(p.getNodeId()).isEmpty() && !early.containsKey(p.getNodeId())) {
          yield Optional.empty(); // a node starts offline: nothing to keep
        }
        yield reported(
            p.getNodeId(),
            v ->
                NodePresence.offlineApplies(v.holder(), p)
                    ? v.toBuilder()
                        .online(false)
                        .lastSeen(seen)
                        .holder("")
                        .onlineSince(null)
                        .build()
                    : v);
      }
      case "trellis.event.v1.TailnetCreated" -> {
        var p = pay(e, TailnetCreated.getDefaultInstance());
        yield dnsChange(
            t,
            tv -> {
              tv.name(p.getName());
              tv.legacySuffix(p.getSettings().getMagicDnsSuffix());
            });
      }
      case "trellis.event.v1.TailnetSettingsChanged" -> {
        var p = pay(e, TailnetSettingsChanged.getDefaultInstance());
        yield dnsChange(t, tv -> tv.legacySuffix(p.getSettings().getMagicDnsSuffix()));
      }
      case "trellis.event.v1.DnsSettingsChanged" -> {
        var p = pay(e, DnsSettingsChanged.getDefaultInstance());
        yield dnsChange(t, tv -> tv.dns(p.getSettings()));
      }
      case "trellis.event.v1.UserCreated" -> {
        var p = pay(e, UserCreated.getDefaultInstance());
        tailnet(t)
            .users()
            .put(
                p.getUserId(),
                UserProfile.newBuilder()
                    .setUserId(p.getUserId())
                    .setLoginName(p.getEmail())
                    .setDisplayName(p.getDisplayName())
                    .build());
        yield visibility.userChanged(tailnet(t), p.getUserId(), p.getEmail(), p.getRole());
      }
      case "trellis.event.v1.UserRoleChanged" -> {
        var p = pay(e, dev.trellis.proto.event.v1.UserRoleChanged.getDefaultInstance());
        UserProfile u = tailnet(t).users().get(p.getUserId());
        yield visibility.userChanged(
            tailnet(t), p.getUserId(), u == null ? "" : u.getLoginName(), p.getNewRole());
      }
      case "trellis.event.v1.PolicyUpdated" ->
          visibility.policyUpdated(
              tailnet(t),
              pay(e, dev.trellis.proto.event.v1.PolicyUpdated.getDefaultInstance()).getHujson());
      case "trellis.event.v1.UserRemoved" -> {
        tailnet(t).users().remove(pay(e, UserRemoved.getDefaultInstance()).getUserId());
        yield Optional.empty();
      }
      case "trellis.event.v1.RelayInstanceStarted" ->
          relays.started(pay(e, RelayInstanceStarted.getDefaultInstance()))
              ? Optional.of(new ModelChange.RelayMapChanged())
              : Optional.empty();
      case "trellis.event.v1.RelayInstanceStopped" ->
          relays.stopped(pay(e, RelayInstanceStopped.getDefaultInstance()))
              ? Optional.of(new ModelChange.RelayMapChanged())
              : Optional.empty();
      case "trellis.event.v1.DeviceLoginCompleted" -> {
        var p = pay(e, DeviceLoginCompleted.getDefaultInstance());
        yield Optional.of(new ModelChange.DeviceLoginCompleted(t, p.getCode(), p.getUserId()));
      }
      default -> Optional.empty();
    };
  }

  /** Applies {@code change} to the tailnet; a change if its DNS config or suffix changed. */
  private Optional<ModelChange> dnsChange(
      String tailnetId, java.util.function.Consumer<TailnetView> change) {
    TailnetView tv = tailnet(tailnetId);
    String suffix = tv.magicDnsSuffix();
    var before = NetmapFrames.dns(tv);
    change.accept(tv);
    boolean namesChanged = !suffix.equals(tv.magicDnsSuffix());
    if (!namesChanged && before.equals(NetmapFrames.dns(tv))) {
      return Optional.empty();
    }
    return Optional.of(new ModelChange.TailnetChanged(tailnetId, namesChanged));
  }

  private Optional<ModelChange> registered(String tailnetId, NodeRegistered p) {
    String[] addr = earlyAddresses.remove(p.getNodeId());
    UnaryOperator<NodeView> reports = early.remove(p.getNodeId());
    NodeView before = node(p.getNodeId()).orElse(null);
    NodeView fresh =
        new NodeView(
            p.getNodeId(),
            tailnetId,
            p.getMachineKey(),
            p.getNodeKey(),
            p.getDiscoKey(),
            p.getName(),
            p.getUserId(),
            p.getTagsList(),
            p.getEphemeral(),
            time(p.hasKeyExpiry(), p.getKeyExpiry()),
            false,
            false,
            p.getApproved(),
            addr != null ? addr[0] : before != null ? before.ipv4() : "",
            addr != null ? addr[1] : before != null ? before.ipv6() : "",
            List.of(),
            HostInfo.newBuilder().setHostname(p.getHostname()).setOs(p.getOs()).build(),
            0,
            false,
            null,
            "",
            before != null ? before.approvedRoutes() : List.of(),
            null,
            NodeView.DerivedRoutes.NONE);
    NodeView after = reports == null ? fresh : reports.apply(fresh);
    if (before != null && !before.machineKey().equals(after.machineKey())) {
      unindex(before);
    }
    if (before == null || !before.machineKey().equals(after.machineKey())) {
      byMachine.computeIfAbsent(after.machineKey(), k -> new ArrayList<>(1)).add(after.id());
    }
    tailnetOfNode.put(p.getNodeId(), tailnetId);
    tailnet(tailnetId).nodes().put(p.getNodeId(), after);
    return Optional.of(new ModelChange.NodeChanged(tailnetId, before, after));
  }

  /**
   * Applies what the coordinator topic says of node {@code nodeId}; kept for its registration if
   * the node is not known yet.
   */
  private Optional<ModelChange> reported(String nodeId, UnaryOperator<NodeView> change) {
    if (node(nodeId).isEmpty()) {
      early.merge(nodeId, change, (first, then) -> v -> then.apply(first.apply(v)));
      return Optional.empty();
    }
    return update(nodeId, b -> change.apply(b.build()).toBuilder());
  }

  private Optional<ModelChange> update(String nodeId, UnaryOperator<NodeView.Builder> change) {
    Optional<NodeView> current = node(nodeId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    NodeView before = current.get();
    NodeView after = change.apply(before.toBuilder()).build();
    if (after.equals(before)) {
      return Optional.empty();
    }
    tailnet(before.tailnetId()).nodes().put(nodeId, after);
    return Optional.of(new ModelChange.NodeChanged(before.tailnetId(), before, after));
  }

  private Optional<ModelChange> removed(String nodeId) {
    earlyAddresses.remove(nodeId);
    early.remove(nodeId);
    Optional<NodeView> current = node(nodeId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    NodeView before = current.get();
    tailnet(before.tailnetId()).nodes().remove(nodeId);
    tailnetOfNode.remove(nodeId);
    unindex(before);
    return Optional.of(new ModelChange.NodeChanged(before.tailnetId(), before, null));
  }

  private void unindex(NodeView n) {
    List<String> ids = byMachine.get(n.machineKey());
    if (ids != null) {
      ids.remove(n.id());
      if (ids.isEmpty()) {
        byMachine.remove(n.machineKey());
      }
    }
  }

  private static HostInfo hostInfo(dev.trellis.proto.event.v1.HostInfo h) {
    return HostInfo.newBuilder()
        .setHostname(h.getHostname())
        .setOs(h.getOs())
        .setOsVersion(h.getOsVersion())
        .setAgentVersion(h.getAgentVersion())
        .setArch(h.getArch())
        .setDeviceModel(h.getDeviceModel())
        .addAllRoutableIps(checked(h.getRoutableIpsList()))
        .build();
  }

  /**
   * A route list from an event, canonical and sorted; empty if it is not a valid one (the
   * coordinator checks what devices report before it appends, so this only guards the model against
   * a list written by something else).
   */
  private static List<String> checked(List<String> routes) {
    if (routes.isEmpty()) {
      return List.of();
    }
    try {
      return AdvertisedRoutes.checked(routes);
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private static <T extends Message> T pay(EventEnvelope e, T type) {
    return Events.payload(e, type);
  }

  private static Instant time(boolean has, Timestamp t) {
    return has ? Instant.ofEpochSecond(t.getSeconds(), t.getNanos()) : null;
  }
}
