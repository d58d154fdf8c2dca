package dev.trellis.keys.projection;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.NodePresence;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.event.v1.DiscoKeyChanged;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeAuthorized;
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
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Projects the key registry's topic into the node maps other services read ({@link
 * dev.trellis.proto.state.StateMaps#NODES} and its two indexes), plus maps of its own for the admin
 * API: names per tailnet, node to tailnet, and, from other topics, addresses (ipam) and when a node
 * went offline (coordinator). The maps fed by other topics are keyed by node id and each event sets
 * or removes one entry, so their content does not depend on how partitions of different topics
 * interleave, and a rebuild by replay equals the live state.
 *
 * <p>The routes a node advertises (the coordinator's NodeHostInfoUpdated) are kept twice: in the
 * node's record ({@code advertised_routes}), and in {@link #ADVERTISED}, keyed by node id, so that
 * a registration applied after the host info (partitions of different topics interleave freely in a
 * replay) still starts with them. That entry outlives its node's removal for the same reason: a
 * host info applied after the removal must leave the same state as one applied before. Record
 * updates are compare-and-set ({@link NodeRecords#modify}), as instances apply the keys and the
 * coordinator topics' partitions concurrently.
 *
 * <p>Thread-safety: stateless; applied on the projection runner's consumer thread.
 */
public final class NodeProjection implements Projection {
  /** The projection's name; its maps are {@code keys.<map>}. */
  public static final String NAME = "keys";

  /** Node id to NodeRecord bytes ({@code keys.nodes}). */
  public static final String NODES = "nodes";

  /** {@code <tailnet>/<machine key hex>} to node id ({@code keys.machine-keys}). */
  public static final String MACHINE_KEYS = "machine-keys";

  /** {@code <node key hex>} to node id ({@code keys.node-keys}). */
  public static final String NODE_KEYS = "node-keys";

  /** {@code <tailnet>/<name>} to node id. */
  public static final String NAMES = "names";

  /** Node id to tailnet id, for listing a tailnet's nodes. */
  public static final String NODE_TAILNETS = "node-tailnets";

  /** Node id to {@code "<ipv4> <ipv6>"} from ipam's AddressAllocated. */
  public static final String ADDRESSES = "addresses";

  /** Node id to when it went offline (epoch millis) from the coordinator's NodeOffline. */
  public static final String OFFLINE = "offline";

  /** Node id to the coordinator instance named by its last NodeOnline ({@link NodePresence}). */
  public static final String HOLDERS = "holders";

  /** Node id to its advertised routes, canonical, space-separated; absent when none. */
  public static final String ADVERTISED = "advertised";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.KEYS, Topics.IPAM, Topics.COORDINATOR);
  }

  @Override
  public void apply(LoggedEvent event, ProjectionMaps maps) {
    EventEnvelope e = event.envelope();
    String type = e.getType();
    if (is(type, NodeRegistered.getDefaultInstance())) {
      registered(e, Events.payload(e, NodeRegistered.getDefaultInstance()), maps);
    } else if (is(type, NodeKeyRotated.getDefaultInstance())) {
      rotated(e, Events.payload(e, NodeKeyRotated.getDefaultInstance()), maps);
    } else if (is(type, NodeKeyExpired.getDefaultInstance())) {
      var p = Events.payload(e, NodeKeyExpired.getDefaultInstance());
      update(maps, e, p.getNodeId(), r -> r.toBuilder().setExpired(true).build());
    } else if (is(type, NodeKeyRevoked.getDefaultInstance())) {
      var p = Events.payload(e, NodeKeyRevoked.getDefaultInstance());
      update(maps, e, p.getNodeId(), r -> r.toBuilder().setRevoked(true).build());
    } else if (is(type, NodeKeyExpiryDisabled.getDefaultInstance())) {
      var p = Events.payload(e, NodeKeyExpiryDisabled.getDefaultInstance());
      update(
          maps,
          e,
          p.getNodeId(),
          r -> r.toBuilder().setKeyExpiryDisabled(true).clearKeyExpiry().build());
    } else if (is(type, NodeRenamed.getDefaultInstance())) {
      renamed(e, Events.payload(e, NodeRenamed.getDefaultInstance()), maps);
    } else if (is(type, NodeTagsChanged.getDefaultInstance())) {
      var p = Events.payload(e, NodeTagsChanged.getDefaultInstance());
      update(
          maps,
          e,
          p.getNodeId(),
          r ->
              r.toBuilder()
                  .clearTags()
                  .addAllTags(p.getNewTagsList())
                  .setUserId(p.getUserId())
                  .build());
    } else if (is(type, NodeAuthorized.getDefaultInstance())) {
      var p = Events.payload(e, NodeAuthorized.getDefaultInstance());
      update(maps, e, p.getNodeId(), r -> r.toBuilder().setApproved(true).build());
    } else if (is(type, DiscoKeyChanged.getDefaultInstance())) {
      var p = Events.payload(e, DiscoKeyChanged.getDefaultInstance());
      update(maps, e, p.getNodeId(), r -> r.toBuilder().setDiscoKey(p.getNewDiscoKey()).build());
    } else if (is(type, NodeRoutesApproved.getDefaultInstance())) {
      var p = Events.payload(e, NodeRoutesApproved.getDefaultInstance());
      update(
          maps,
          e,
          p.getNodeId(),
          r ->
              r.toBuilder()
                  .clearApprovedRoutes()
                  .addAllApprovedRoutes(new TreeSet<>(p.getApprovedRoutesList()))
                  .build());
    } else if (is(type, NodeHostInfoUpdated.getDefaultInstance())) {
      hostInfo(e, Events.payload(e, NodeHostInfoUpdated.getDefaultInstance()), maps);
    } else if (is(type, NodeRemoved.getDefaultInstance())) {
      removed(e, Events.payload(e, NodeRemoved.getDefaultInstance()), maps);
    } else if (is(type, AddressAllocated.getDefaultInstance())) {
      var p = Events.payload(e, AddressAllocated.getDefaultInstance());
      maps.<String, String>map(ADDRESSES)
          .set(p.getNodeId(), (p.getIpv4() + " " + p.getIpv6()).strip());
    } else if (is(type, AddressReleased.getDefaultInstance())) {
      var p = Events.payload(e, AddressReleased.getDefaultInstance());
      maps.<String, String>map(ADDRESSES).delete(p.getNodeId());
    } else if (is(type, NodeOffline.getDefaultInstance())) {
      var p = Events.payload(e, NodeOffline.getDefaultInstance());
      IMap<String, String> holders = maps.map(HOLDERS);
      if (NodePresence.offlineApplies(holders.get(p.getNodeId()), p)) {
        Timestamp at = p.hasLastSeen() ? p.getLastSeen() : e.getTime();
        maps.<String, Long>map(OFFLINE)
            .set(p.getNodeId(), at.getSeconds() * 1000 + at.getNanos() / 1_000_000);
        holders.delete(p.getNodeId());
      }
    } else if (is(type, NodeOnline.getDefaultInstance())) {
      var p = Events.payload(e, NodeOnline.getDefaultInstance());
      maps.<String, Long>map(OFFLINE).delete(p.getNodeId());
      if (p.getCoordinatorInstance().isEmpty()) {
        maps.<String, String>map(HOLDERS).delete(p.getNodeId());
      } else {
        maps.<String, String>map(HOLDERS).set(p.getNodeId(), p.getCoordinatorInstance());
      }
    }
  }

  private static void registered(EventEnvelope e, NodeRegistered p, ProjectionMaps maps) {
    NodeRecord.Builder r =
        NodeRecord.newBuilder()
            .setNodeId(p.getNodeId())
            .setTailnetId(e.getTailnetId())
            .setMachineKey(p.getMachineKey())
            .setNodeKey(p.getNodeKey())
            .setDiscoKey(p.getDiscoKey())
            .setName(p.getName())
            .setHostname(p.getHostname())
            .setOs(p.getOs())
            .setUserId(p.getUserId())
            .addAllTags(p.getTagsList())
            .setEphemeral(p.getEphemeral())
            .setApproved(p.getApproved())
            .setAuthKeyId(p.getAuthKeyId())
            .setCreatedAt(e.getTime())
            .setKeyChangedAt(e.getTime());
    if (p.hasKeyExpiry()) {
      r.setKeyExpiry(p.getKeyExpiry());
    }
    maps.<String, byte[]>map(NODES).set(p.getNodeId(), r.build().toByteArray());
    // The host info may have been applied first: take the routes it advertised.
    NodeRecords.modify(maps.map(NODES), p.getNodeId(), e, n -> withAdvertised(n, maps));
    maps.<String, String>map(NODE_TAILNETS).set(p.getNodeId(), e.getTailnetId());
    maps.<String, String>map(MACHINE_KEYS)
        .set(machineIndexKey(e.getTailnetId(), p.getMachineKey().toByteArray()), p.getNodeId());
    maps.<String, String>map(NODE_KEYS).set(hex(p.getNodeKey().toByteArray()), p.getNodeId());
    maps.<String, String>map(NAMES).set(nameKey(e.getTailnetId(), p.getName()), p.getNodeId());
  }

  /**
   * Records the routes the host info advertises, canonical; a list {@link AdvertisedRoutes#checked}
   * refuses is ignored (the coordinator checks it too, so only a faulty writer sends one).
   */
  private static void hostInfo(EventEnvelope e, NodeHostInfoUpdated p, ProjectionMaps maps) {
    List<String> routes;
    try {
      routes = AdvertisedRoutes.checked(p.getHostInfo().getRoutableIpsList());
    } catch (IllegalArgumentException bad) {
      return;
    }
    IMap<String, byte[]> nodes = maps.map(NODES);
    NodeRecord before = NodeRecords.get(nodes, p.getNodeId(), e);
    if (before != null && !before.getTailnetId().equals(e.getTailnetId())) {
      return;
    }
    IMap<String, String> advertised = maps.map(ADVERTISED);
    if (routes.isEmpty()) {
      advertised.delete(p.getNodeId());
    } else {
      advertised.set(p.getNodeId(), String.join(" ", routes));
    }
    NodeRecords.modify(nodes, p.getNodeId(), e, n -> withAdvertised(n, maps));
  }

  /** {@code r} with the advertised routes {@link #ADVERTISED} holds for it now. */
  private static NodeRecord withAdvertised(NodeRecord r, ProjectionMaps maps) {
    String text = maps.<String, String>map(ADVERTISED).get(r.getNodeId());
    List<String> routes = text == null ? List.of() : List.of(text.split(" "));
    if (routes.equals(r.getAdvertisedRoutesList())) {
      return r;
    }
    return r.toBuilder().clearAdvertisedRoutes().addAllAdvertisedRoutes(routes).build();
  }

  private static void rotated(EventEnvelope e, NodeKeyRotated p, ProjectionMaps maps) {
    boolean changed =
        NodeRecords.modify(
            maps.map(NODES),
            p.getNodeId(),
            e,
            before -> {
              NodeRecord.Builder r =
                  before.toBuilder()
                      .setNodeKey(p.getNewNodeKey())
                      .setExpired(false)
                      .setRevoked(false)
                      .setKeyChangedAt(e.getTime())
                      .clearKeyExpiry();
              if (p.hasKeyExpiry()) {
                r.setKeyExpiry(p.getKeyExpiry());
              }
              return r.build();
            });
    if (!changed) {
      return;
    }
    IMap<String, String> keys = maps.map(NODE_KEYS);
    keys.remove(hex(p.getOldNodeKey().toByteArray()), p.getNodeId());
    keys.set(hex(p.getNewNodeKey().toByteArray()), p.getNodeId());
  }

  private static void renamed(EventEnvelope e, NodeRenamed p, ProjectionMaps maps) {
    NodeRecord before = NodeRecords.get(maps.map(NODES), p.getNodeId(), e);
    if (before == null) {
      return;
    }
    NodeRecords.modify(
        maps.map(NODES), p.getNodeId(), e, r -> r.toBuilder().setName(p.getNewName()).build());
    IMap<String, String> names = maps.map(NAMES);
    names.remove(nameKey(e.getTailnetId(), before.getName()), p.getNodeId());
    names.set(nameKey(e.getTailnetId(), p.getNewName()), p.getNodeId());
  }

  private static void removed(EventEnvelope e, NodeRemoved p, ProjectionMaps maps) {
    NodeRecord before = NodeRecords.get(maps.map(NODES), p.getNodeId(), e);
    if (before == null) {
      return;
    }
    maps.<String, byte[]>map(NODES).delete(p.getNodeId());
    maps.<String, String>map(NODE_TAILNETS).delete(p.getNodeId());
    maps.<String, String>map(HOLDERS).delete(p.getNodeId());
    maps.<String, String>map(MACHINE_KEYS)
        .remove(
            machineIndexKey(before.getTailnetId(), before.getMachineKey().toByteArray()),
            p.getNodeId());
    maps.<String, String>map(NODE_KEYS)
        .remove(hex(before.getNodeKey().toByteArray()), p.getNodeId());
    maps.<String, String>map(NAMES)
        .remove(nameKey(before.getTailnetId(), before.getName()), p.getNodeId());
  }

  private static void update(
      ProjectionMaps maps, EventEnvelope e, String nodeId, UnaryOperator<NodeRecord> change) {
    NodeRecords.modify(
        maps.map(NODES),
        nodeId,
        e,
        before -> before.getTailnetId().equals(e.getTailnetId()) ? change.apply(before) : before);
  }

  private static boolean is(String type, Message m) {
    return type.equals(m.getDescriptorForType().getFullName());
  }

  /** The key of the machine-key index: {@code <tailnet>/<machine key hex>}. */
  public static String machineIndexKey(String tailnetId, byte[] machineKey) {
    return tailnetId + "/" + hex(machineKey);
  }

  /** The key of the name index: {@code <tailnet>/<name>}. */
  public static String nameKey(String tailnetId, String name) {
    return tailnetId + "/" + name;
  }

  /** Lower-case hex of a key's bytes, the form used in index keys. */
  public static String hex(byte[] raw) {
    return HexFormat.of().formatHex(raw);
  }
}
