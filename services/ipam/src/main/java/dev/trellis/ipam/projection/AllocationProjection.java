package dev.trellis.ipam.projection;

import com.google.protobuf.Timestamp;
import com.hazelcast.map.IMap;
import dev.trellis.ipam.address.NodeAddresses;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.List;

/**
 * Projects {@code trellis.ipam} into the allocation state every ipam instance decides on. Three
 * maps, every key scoped by tailnet (so the state depends only on the order of one tailnet's
 * events, which share a partition):
 *
 * <ul>
 *   <li>{@code ipam.nodes}: {@code <tailnet>/<node>} to {@code "<ipv4> <ipv6>"}, the addresses a
 *       live node holds;
 *   <li>{@code ipam.addresses}: {@code <tailnet>/<ipv4>} to {@code n:<node>} (held) or {@code
 *       q:<epoch millis>} (released, not to be reused before then); an address absent here was
 *       never handed out;
 *   <li>{@code ipam.held}: tailnet to the number of addresses its nodes hold, so a full pool is
 *       refused without a scan.
 * </ul>
 *
 * <p>An address changes state by one {@code set} of its entry (held to quarantined and back), so a
 * reader never sees it free in between. A node's entry is written after its address's entry on
 * allocation and removed after it on release: whoever sees the node's entry appear or go also sees
 * the address's new state (the allocator waits on exactly that). Applying an event twice changes
 * nothing the second time: the held counter moves last on allocation and first on release, so an
 * event applied again after a crash can leave the counter low (a weaker fast path, never a false
 * "exhausted"), never high.
 *
 * <p>Thread-safety: stateless; applied on the projection runner's consumer thread.
 */
public final class AllocationProjection implements Projection {
  /** The projection's name; its maps are {@code ipam.<map>}. */
  public static final String NAME = "ipam";

  /** {@code <tailnet>/<node>} to {@code "<ipv4> <ipv6>"}. */
  public static final String NODES = "nodes";

  /** {@code <tailnet>/<ipv4>} to {@code n:<node>} or {@code q:<epoch millis>}. */
  public static final String ADDRESSES = "addresses";

  /** Tailnet id to the number of held addresses (Long). */
  public static final String HELD = "held";

  /** Prefix of an address entry held by a node. */
  public static final String HELD_BY = "n:";

  /** Prefix of an address entry released and cooling down until the epoch millis that follow. */
  public static final String COOLING_UNTIL = "q:";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.IPAM);
  }

  @Override
  public void apply(LoggedEvent event, ProjectionMaps maps) {
    EventEnvelope e = event.envelope();
    if (e.getType().equals(AddressAllocated.getDescriptor().getFullName())) {
      allocated(e.getTailnetId(), Events.payload(e, AddressAllocated.getDefaultInstance()), maps);
    } else if (e.getType().equals(AddressReleased.getDescriptor().getFullName())) {
      released(e, Events.payload(e, AddressReleased.getDefaultInstance()), maps);
    }
  }

  private static void allocated(String tailnet, AddressAllocated p, ProjectionMaps maps) {
    IMap<String, String> nodes = maps.map(NODES);
    IMap<String, String> addresses = maps.map(ADDRESSES);
    String addressKey = addressKey(tailnet, p.getIpv4());
    String holder = HELD_BY + p.getNodeId();
    String nodeKey = nodeKey(tailnet, p.getNodeId());
    String stored = new NodeAddresses(p.getIpv4(), p.getIpv6()).stored();
    String before = addresses.get(addressKey);
    boolean fresh = !holder.equals(before);
    String previous = nodes.get(nodeKey);
    if (fresh) {
      if (previous != null && !previous.equals(stored)) {
        // the node moves to another address (never decided so, but kept consistent)
        addresses.remove(addressKey(tailnet, NodeAddresses.fromStored(previous).ipv4()), holder);
        addToHeld(maps, tailnet, -1);
      }
      if (before != null && before.startsWith(HELD_BY)) {
        // another node held it (never decided so): the newer event wins, the other loses it
        nodes.delete(nodeKey(tailnet, before.substring(HELD_BY.length())));
        addToHeld(maps, tailnet, -1);
      }
      addresses.set(addressKey, holder);
    }
    // the node's entry last: the allocator takes it as the sign that the address shows as held
    if (!stored.equals(previous)) {
      nodes.set(nodeKey, stored);
    }
    if (fresh) {
      addToHeld(maps, tailnet, 1);
    }
  }

  private static void released(EventEnvelope e, AddressReleased p, ProjectionMaps maps) {
    String tailnet = e.getTailnetId();
    IMap<String, String> nodes = maps.map(NODES);
    String nodeKey = nodeKey(tailnet, p.getNodeId());
    String held = nodes.get(nodeKey);
    if (held == null) {
      return;
    }
    Timestamp until = p.hasReusableAfter() ? p.getReusableAfter() : e.getTime();
    long millis = until.getSeconds() * 1000 + until.getNanos() / 1_000_000;
    addToHeld(maps, tailnet, -1);
    maps.<String, String>map(ADDRESSES)
        .set(addressKey(tailnet, NodeAddresses.fromStored(held).ipv4()), COOLING_UNTIL + millis);
    nodes.delete(nodeKey);
  }

  private static void addToHeld(ProjectionMaps maps, String tailnet, long delta) {
    IMap<String, Long> held = maps.map(HELD);
    long now = held.getOrDefault(tailnet, 0L) + delta;
    if (now <= 0) {
      held.delete(tailnet);
    } else {
      held.set(tailnet, now);
    }
  }

  /** The key of a node's entry in {@link #NODES}. */
  public static String nodeKey(String tailnetId, String nodeId) {
    return tailnetId + "/" + nodeId;
  }

  /** The key of an address's entry in {@link #ADDRESSES}. */
  public static String addressKey(String tailnetId, String ipv4) {
    return tailnetId + "/" + ipv4;
  }
}
