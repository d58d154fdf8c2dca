package dev.trellis.ipam.projection;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.trellis.ipam.address.AddressPool;
import dev.trellis.ipam.address.NodeAddresses;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the live allocation state of {@link AllocationProjection}: a node's addresses, whether an
 * address may be handed out now, how many addresses a tailnet's nodes hold, and a tailnet's
 * allocations for the admin API.
 *
 * <p>Thread-safety: thread-safe. Calls block briefly on Hazelcast: call them from command or
 * consumer threads, never from an event loop.
 */
public final class AllocationStore {
  private final IMap<String, String> nodes;
  private final IMap<String, String> addresses;
  private final IMap<String, Long> held;

  /** One node's allocation, as the admin API lists it. */
  public record Allocation(String nodeId, String ipv4, String ipv6) {}

  public AllocationStore(HazelcastInstance hazelcast) {
    var maps = ProjectionMaps.live(hazelcast, AllocationProjection.NAME);
    this.nodes = maps.map(AllocationProjection.NODES);
    this.addresses = maps.map(AllocationProjection.ADDRESSES);
    this.held = maps.map(AllocationProjection.HELD);
  }

  /** The addresses the node holds in the tailnet. */
  public Optional<NodeAddresses> of(String tailnetId, String nodeId) {
    return Optional.ofNullable(nodes.get(AllocationProjection.nodeKey(tailnetId, nodeId)))
        .map(NodeAddresses::fromStored);
  }

  /**
   * Whether {@code ipv4} may be handed out in the tailnet at {@code nowMillis}: never handed out,
   * or released with its cool-down over.
   */
  public boolean isFree(String tailnetId, String ipv4, long nowMillis) {
    String state = addresses.get(AllocationProjection.addressKey(tailnetId, ipv4));
    if (state == null) {
      return true;
    }
    if (state.startsWith(AllocationProjection.COOLING_UNTIL)) {
      return coolingUntil(state) <= nowMillis;
    }
    return false;
  }

  /** How many addresses the tailnet's nodes hold (a lower bound while events are re-applied). */
  public long held(String tailnetId) {
    return held.getOrDefault(tailnetId, 0L);
  }

  /** Every node of the tailnet with its addresses, by IPv4 address. */
  public List<Allocation> inTailnet(String tailnetId) {
    String prefix = tailnetId + "/";
    List<Allocation> out = new ArrayList<>();
    for (Map.Entry<String, String> e : nodes.entrySet(Predicates.like("__key", prefix + "%"))) {
      // ids hold no '%'; a '_' in one matches any character, hence the exact prefix check
      if (e.getKey().startsWith(prefix)) {
        NodeAddresses a = NodeAddresses.fromStored(e.getValue());
        out.add(new Allocation(e.getKey().substring(prefix.length()), a.ipv4(), a.ipv6()));
      }
    }
    out.sort(Comparator.comparingLong(a -> AddressPool.parseIpv4(a.ipv4())));
    return out;
  }

  private static long coolingUntil(String state) {
    try {
      return Long.parseLong(state.substring(AllocationProjection.COOLING_UNTIL.length()));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
