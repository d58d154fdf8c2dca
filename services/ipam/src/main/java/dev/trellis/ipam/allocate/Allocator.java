package dev.trellis.ipam.allocate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.ipam.address.AddressPool;
import dev.trellis.ipam.address.NodeAddresses;
import dev.trellis.ipam.journal.IpamLog;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides which addresses a node gets and when it gives them back.
 *
 * <p><b>Allocation</b> of (tailnet, node), under the node's cluster-wide lock ({@link
 * AddressClaims}): a node that holds addresses gets them again (idempotent: re-authentication keeps
 * the address). Otherwise, when the tailnet's nodes hold the whole pool, {@code ADDRESS_EXHAUSTED}
 * at once. Else the tailnet's cursor yields candidate ordinals; a candidate is taken when the
 * projection shows its address free (never handed out, or its cool-down over), the putIfAbsent
 * claim on it succeeds, and the projection still shows it free after the claim (which closes the
 * window of a claim that expired after its event was applied). Then {@code AddressAllocated} is
 * appended and the projection awaited, and the claim removed. In a pool that has not wrapped the
 * first candidate is taken: the cost per allocation does not grow with the tailnet's size. After
 * {@code pool size} candidates in vain, {@code ADDRESS_EXHAUSTED}.
 *
 * <p>Two live nodes never share an address: a free address in the projection is taken only by the
 * one claim holder, the claim lasts until the projection shows the address held, and the projection
 * turns a held address into a cooling one (never straight into a free one) in one map write.
 *
 * <p><b>Release</b> of (tailnet, node) after the key registry removed it, under the same lock:
 * {@code AddressReleased} with {@code reusable_after = now + cool-down}; nothing when the node
 * holds nothing (a repeated NodeRemoved).
 *
 * <p>Thread-safety: thread-safe; blocking (command threads only).
 */
public final class Allocator {
  private final AddressPool pool;
  private final AllocationStore store;
  private final AddressClaims claims;
  private final IpamLog log;
  private final Events events;
  private final Clock clock;
  private final Duration coolDown;
  private final IMap<String, byte[]> tailnets;
  private final IMap<String, byte[]> nodes;
  private final Counter allocated;
  private final Counter released;
  private final Counter exhausted;

  public Allocator(
      AddressPool pool,
      HazelcastInstance hazelcast,
      AllocationStore store,
      AddressClaims claims,
      IpamLog log,
      Clock clock,
      Duration coolDown,
      MeterRegistry meters) {
    this.pool = pool;
    this.store = store;
    this.claims = claims;
    this.log = log;
    this.events = new Events(clock);
    this.clock = clock;
    this.coolDown = coolDown;
    this.tailnets = hazelcast.getMap(StateMaps.TAILNETS);
    this.nodes = hazelcast.getMap(StateMaps.NODES);
    this.allocated = Counter.builder("trellis_ipam_allocations_total").register(meters);
    this.released = Counter.builder("trellis_ipam_releases_total").register(meters);
    this.exhausted = Counter.builder("trellis_ipam_exhausted_total").register(meters);
  }

  /**
   * The addresses of the node, allocating them if it holds none.
   *
   * @throws ApiException TAILNET_NOT_FOUND, NODE_NOT_FOUND (unknown to the key registry in that
   *     tailnet), ADDRESS_EXHAUSTED
   */
  public NodeAddresses allocate(String tailnetId, String nodeId, Actor actor) {
    requireNode(tailnetId, nodeId);
    return claims.withNodeLock(
        tailnetId,
        nodeId,
        () -> {
          Optional<NodeAddresses> held = store.of(tailnetId, nodeId);
          if (held.isPresent()) {
            return held.get();
          }
          long ordinal = claimFree(tailnetId, nodeId);
          NodeAddresses a = pool.addresses(ordinal);
          // on failure the claim stays until it expires: the event may have been appended
          log.appendAndAwait(
              events
                  .draft(
                      tailnetId,
                      nodeId,
                      actor,
                      AddressAllocated.newBuilder()
                          .setNodeId(nodeId)
                          .setIpv4(a.ipv4())
                          .setIpv6(a.ipv6())
                          .build())
                  .subject(a.ipv4() + " and " + a.ipv6() + " to node " + nodeId)
                  .build(),
              () -> store.of(tailnetId, nodeId).equals(Optional.of(a)));
          claims.unclaim(tailnetId, a.ipv4(), nodeId);
          allocated.increment();
          return a;
        });
  }

  /**
   * Releases the node's addresses, if it holds any, for reuse after the cool-down.
   *
   * @param causationId the event id of the NodeRemoved that caused it
   * @return the released addresses, empty when the node held none
   */
  public Optional<NodeAddresses> release(
      String tailnetId, String nodeId, Actor actor, String causationId) {
    return claims.withNodeLock(
        tailnetId,
        nodeId,
        () -> {
          Optional<NodeAddresses> held = store.of(tailnetId, nodeId);
          if (held.isEmpty()) {
            return held;
          }
          NodeAddresses a = held.get();
          Instant reusable = clock.instant().plus(coolDown);
          log.appendAndAwait(
              events
                  .draft(
                      tailnetId,
                      nodeId,
                      actor,
                      AddressReleased.newBuilder()
                          .setNodeId(nodeId)
                          .addAllAddresses(
                              a.ipv6().isEmpty() ? List.of(a.ipv4()) : List.of(a.ipv4(), a.ipv6()))
                          .setReusableAfter(
                              Timestamp.newBuilder()
                                  .setSeconds(reusable.getEpochSecond())
                                  .setNanos(reusable.getNano()))
                          .build())
                  .causationId(causationId)
                  .subject(
                      a.ipv4() + " released by node " + nodeId + ", reusable after " + reusable)
                  .build(),
              () -> store.of(tailnetId, nodeId).isEmpty());
          released.increment();
          return held;
        });
  }

  private long claimFree(String tailnetId, String nodeId) {
    long size = pool.size();
    if (store.held(tailnetId) >= size) {
      throw exhausted(tailnetId);
    }
    for (long probe = 0; probe < size; probe++) {
      long ordinal = claims.nextCandidate(tailnetId, size);
      String ipv4 = pool.ipv4(ordinal);
      long now = clock.millis();
      if (!store.isFree(tailnetId, ipv4, now) || !claims.claim(tailnetId, ipv4, nodeId)) {
        continue;
      }
      if (store.isFree(tailnetId, ipv4, now)) {
        return ordinal;
      }
      claims.unclaim(tailnetId, ipv4, nodeId);
    }
    throw exhausted(tailnetId);
  }

  private ApiException exhausted(String tailnetId) {
    exhausted.increment();
    return ApiException.of(
        ErrorCode.ADDRESS_EXHAUSTED,
        "All "
            + pool.size()
            + " addresses of tailnet "
            + tailnetId
            + " are held by nodes or cooling down after a release (for "
            + coolDown
            + "); remove nodes or try again later.");
  }

  private void requireNode(String tailnetId, String nodeId) {
    if (!tailnets.containsKey(tailnetId)) {
      throw ApiException.field(ErrorCode.TAILNET_NOT_FOUND, "tailnetId", "Tailnet not found.");
    }
    byte[] raw = nodes.get(nodeId);
    NodeRecord node;
    try {
      node = raw == null ? null : NodeRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored node record is unreadable.", e);
    }
    if (node == null || !node.getTailnetId().equals(tailnetId)) {
      throw ApiException.field(
          ErrorCode.NODE_NOT_FOUND, "nodeId", "The key registry has no such node in this tailnet.");
    }
  }
}
