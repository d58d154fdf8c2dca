package dev.trellis.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.ipam.projection.AllocationProjection;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.projection.ProjectionMaps;
import dev.trellis.testkit.ClusterTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A removed node's addresses go back to the pool after the cool-down, once. */
@ClusterTest
class ReleaseTest {

  @Test
  void nodeRemovedReleasesItsAddressesOnceWithTheCoolDown(IpamCluster c) {
    String tn = c.tailnet();
    String node = c.node(tn);
    String keep = c.node(tn);
    var got = c.allocate(0, tn, node);
    c.allocate(1, tn, keep);
    AllocationStore store = new AllocationStore(c.hz());
    Instant before = Instant.now();
    c.remove(tn, node);
    Await.until("release", Duration.ofSeconds(20), () -> store.of(tn, node).isEmpty());
    assertTrue(store.of(tn, keep).isPresent(), "other nodes keep theirs");

    List<EventEnvelope> releases = releasesOf(c, node);
    assertEquals(1, releases.size());
    EventEnvelope e = releases.getFirst();
    assertEquals(tn, e.getTailnetId());
    assertEquals(Actor.Kind.SYSTEM, e.getActor().getKind());
    assertEquals("service:ipam", e.getActor().getId());
    EventEnvelope removed =
        c.events(Topics.KEYS).stream()
            .filter(k -> k.getAggregateId().equals(node))
            .findFirst()
            .orElseThrow();
    assertEquals(removed.getEventId(), e.getCausationId());
    AddressReleased p = Events.payload(e, AddressReleased.getDefaultInstance());
    assertEquals(List.of(got.text("ipv4"), got.text("ipv6")), p.getAddressesList());
    Instant reusable = Instant.ofEpochSecond(p.getReusableAfter().getSeconds());
    Duration coolDown = Duration.between(before, reusable);
    assertTrue(
        coolDown.compareTo(IpamCluster.COOL_DOWN.minusSeconds(1)) >= 0
            && coolDown.compareTo(IpamCluster.COOL_DOWN.plusSeconds(20)) <= 0,
        "reusable after " + coolDown);

    var state =
        ProjectionMaps.live(c.hz(), AllocationProjection.NAME)
            .<String, String>map(AllocationProjection.ADDRESSES)
            .get(AllocationProjection.addressKey(tn, got.text("ipv4")));
    assertTrue(state.startsWith(AllocationProjection.COOLING_UNTIL), state);
    assertTrue(!store.isFree(tn, got.text("ipv4"), System.currentTimeMillis()));
    assertTrue(store.isFree(tn, got.text("ipv4"), reusable.toEpochMilli() + 1000));

    // the key registry's event delivered again, or a second removal: nothing more to release
    c.remove(tn, node);
    String marker = c.node(tn);
    c.remove(tn, marker); // handled after the repeat in the same partition
    Await.until(
        "the repeat handled",
        Duration.ofSeconds(20),
        () -> c.events(Topics.KEYS).stream().anyMatch(k -> k.getAggregateId().equals(marker)));
    c.allocate(0, tn, keep); // still holds it
    assertEquals(1, releasesOf(c, node).size());
  }

  @Test
  void aRemovedNodeGetsNoNewAddresses(IpamCluster c) {
    String tn = c.tailnet();
    String node = c.node(tn);
    c.allocate(0, tn, node);
    c.remove(tn, node);
    var again = c.allocate(1, tn, node);
    assertEquals(404, again.status());
    assertEquals("NODE_NOT_FOUND", again.code());
  }

  private static List<EventEnvelope> releasesOf(IpamCluster c, String node) {
    String type = AddressReleased.getDescriptor().getFullName();
    return c.events(Topics.IPAM).stream()
        .filter(e -> e.getType().equals(type) && e.getAggregateId().equals(node))
        .toList();
  }
}
