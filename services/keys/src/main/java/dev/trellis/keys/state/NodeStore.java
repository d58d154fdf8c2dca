package dev.trellis.keys.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the key registry's live projection: nodes by id, by machine key within a tailnet, by node
 * key, a tailnet's nodes, their addresses and when they went offline; and the coordinator's route
 * state of nodes ({@link StateMaps#ROUTES}, read-only here).
 *
 * <p>Thread-safety: thread-safe. Calls block briefly on Hazelcast: call them from worker or virtual
 * threads, never from an event loop.
 */
public final class NodeStore {
  private final IMap<String, byte[]> nodes;
  private final IMap<String, String> machineKeys;
  private final IMap<String, String> nodeKeys;
  private final IMap<String, String> names;
  private final IMap<String, String> nodeTailnets;
  private final IMap<String, String> addresses;
  private final IMap<String, Long> offline;
  private final IMap<String, byte[]> routes;

  public NodeStore(HazelcastInstance hazelcast) {
    ProjectionMaps maps = ProjectionMaps.live(hazelcast, NodeProjection.NAME);
    this.nodes = maps.map(NodeProjection.NODES);
    this.machineKeys = maps.map(NodeProjection.MACHINE_KEYS);
    this.nodeKeys = maps.map(NodeProjection.NODE_KEYS);
    this.names = maps.map(NodeProjection.NAMES);
    this.nodeTailnets = maps.map(NodeProjection.NODE_TAILNETS);
    this.addresses = maps.map(NodeProjection.ADDRESSES);
    this.offline = maps.map(NodeProjection.OFFLINE);
    this.routes = hazelcast.getMap(StateMaps.ROUTES);
  }

  /** The node with this id. */
  public Optional<NodeRecord> byId(String nodeId) {
    return Optional.ofNullable(nodeId == null ? null : nodes.get(nodeId)).map(NodeStore::parse);
  }

  /** The node with this id; {@code NODE_NOT_FOUND} when there is none. */
  public NodeRecord require(String nodeId) {
    return byId(nodeId).orElseThrow(() -> ApiException.of(ErrorCode.NODE_NOT_FOUND));
  }

  /** The id of the node the machine is registered as in the tailnet. */
  public Optional<String> idByMachine(String tailnetId, byte[] machineKey) {
    return Optional.ofNullable(
        machineKeys.get(NodeProjection.machineIndexKey(tailnetId, machineKey)));
  }

  /** The id of the node holding this node key. */
  public Optional<String> idByNodeKey(byte[] nodeKey) {
    return Optional.ofNullable(nodeKeys.get(NodeProjection.hex(nodeKey)));
  }

  /** The id of the node with this MagicDNS name in the tailnet. */
  public Optional<String> idByName(String tailnetId, String name) {
    return Optional.ofNullable(names.get(NodeProjection.nameKey(tailnetId, name)));
  }

  /** The tailnet's nodes, by name. */
  public List<NodeRecord> inTailnet(String tailnetId) {
    Set<String> ids = nodeTailnets.keySet(Predicates.equal("this", tailnetId));
    List<NodeRecord> out = new ArrayList<>();
    for (byte[] raw : nodes.getAll(ids).values()) {
      out.add(parse(raw));
    }
    out.sort(Comparator.comparing(NodeRecord::getName).thenComparing(NodeRecord::getNodeId));
    return out;
  }

  /** The nodes of {@code ids} that exist, by id, read in one call per member. */
  public Map<String, NodeRecord> byIds(Set<String> ids) {
    Map<String, NodeRecord> out = new java.util.HashMap<>();
    nodes.getAll(ids).forEach((id, raw) -> out.put(id, parse(raw)));
    return out;
  }

  /** The ids of offline nodes whose entry lives on this Hazelcast member, with since when. */
  public Map<String, Long> localOffline() {
    Set<String> ids = offline.localKeySet();
    return ids.isEmpty() ? Map.of() : offline.getAll(ids);
  }

  /** The ids of the nodes whose record lives on this Hazelcast member (for sweeps). */
  public Set<String> localIds() {
    return nodes.localKeySet();
  }

  /** The addresses of nodes (ipam's latest allocation), node id to addresses. */
  public Map<String, List<String>> addresses(Set<String> nodeIds) {
    Map<String, List<String>> out = new java.util.HashMap<>();
    addresses.getAll(nodeIds).forEach((id, text) -> out.put(id, List.of(text.split(" "))));
    return out;
  }

  /** When the node went offline (epoch millis), if it is offline. */
  public Optional<Long> offlineSince(String nodeId) {
    return Optional.ofNullable(offline.get(nodeId));
  }

  /**
   * The coordinator's route state of nodes ({@link StateMaps#ROUTES}), node id to state; a node
   * without one (nothing offered, approved or in force, or no coordinator running) is absent.
   */
  public Map<String, NodeRouteState> routeStates(Set<String> nodeIds) {
    Map<String, NodeRouteState> out = new java.util.HashMap<>();
    routes
        .getAll(nodeIds)
        .forEach(
            (id, raw) -> {
              try {
                out.put(id, NodeRouteState.parseFrom(raw));
              } catch (InvalidProtocolBufferException e) {
                throw ApiException.of(ErrorCode.INTERNAL, "A stored route state is unreadable.", e);
              }
            });
    return out;
  }

  /** The coordinator's route state of one node, or the empty state. */
  public NodeRouteState routeState(String nodeId) {
    return routeStates(Set.of(nodeId)).getOrDefault(nodeId, NodeRouteState.getDefaultInstance());
  }

  private static NodeRecord parse(byte[] raw) {
    try {
      return NodeRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored node record is unreadable.", e);
    }
  }
}
