package dev.trellis.coordinator.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.stream.Encoded;
import dev.trellis.coordinator.stream.FrameSink;
import dev.trellis.coordinator.stream.StreamHub;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What devices get when routes change: every viewer a peers_added replacement of each router whose
 * primary or in-force routes changed (allowed_ips exactly its addresses, its primaries and, for an
 * exit node, both default routes), the router itself self_changed, and under a policy that names a
 * subnet the router becomes visible with that rule in its packet filter.
 */
class RouteFramesTest {
  static final String LAN = "192.168.1.0/24";

  private RouteWorld w;
  private StreamHub hub;

  private static final class Sink implements FrameSink {
    final List<MapResponse> frames = new ArrayList<>();

    @Override
    public void send(MapResponse frame, byte[] encoded) {
      frames.add(Encoded.checked(frame, encoded));
    }

    @Override
    public void ended() {}

    /** The full netmap the stream opened with. */
    dev.trellis.proto.control.v1.FullNetmap full() {
      return frames.getFirst().getFull();
    }

    /** The frames since the last call. */
    int mark;

    List<MapResponse> fresh() {
      List<MapResponse> out = List.copyOf(frames.subList(mark, frames.size()));
      mark = frames.size();
      return out;
    }
  }

  @BeforeEach
  void world() {
    w = new RouteWorld();
    hub =
        new StreamHub(
            w.model,
            new NetmapFrames(w.policy),
            Clock.systemUTC(),
            System::nanoTime,
            64,
            15_000_000_000L,
            60_000_000_000L);
    apply(w.users());
    apply(w.join("r1", 1, "ua"));
    apply(w.join("r2", 2, "ub"));
    apply(w.join("c", 3, "ua"));
  }

  private void apply(List<EventEnvelope> list) {
    list.forEach(this::apply);
  }

  private void apply(EventEnvelope e) {
    w.model.apply(e, hub::onChange);
  }

  private Sink open(String id) {
    Sink s = new Sink();
    assertNotNull(hub.open(w.node(id), s, "", 0).token());
    s.fresh();
    return s;
  }

  /** The whole-node replacement of {@code id} among {@code frames}, if any. */
  private static Optional<Node> replacement(List<MapResponse> frames, String id) {
    return frames.stream()
        .filter(MapResponse::hasPeersAdded)
        .flatMap(f -> f.getPeersAdded().getPeersList().stream())
        .filter(n -> n.getId().equals(id))
        .reduce((a, b) -> b);
  }

  private static Optional<Node> self(List<MapResponse> frames) {
    return frames.stream()
        .filter(MapResponse::hasSelfChanged)
        .map(MapResponse::getSelfChanged)
        .reduce((a, b) -> b);
  }

  @Test
  void viewersGetTheRouterReplacedAndTheRouterGetsSelfChanged() {
    apply(w.online(1, "r1", "i1"));
    apply(w.advertise(2, "r1", LAN));
    Sink c = open("c");
    Sink r1 = open("r1");
    apply(w.approve(3, "r1", LAN));

    Node seen = replacement(c.fresh(), "r1").orElseThrow();
    assertEquals(List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128", LAN), seen.getAllowedIpsList());
    assertEquals(List.of(LAN), seen.getPrimaryRoutesList());
    assertEquals(List.of(LAN), seen.getApprovedRoutesList());
    assertEquals(List.of(LAN), seen.getHostInfo().getRoutableIpsList());

    Node me = self(r1.fresh()).orElseThrow();
    assertEquals(List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128", LAN), me.getAllowedIpsList());
    assertEquals(List.of(LAN), me.getPrimaryRoutesList());
  }

  @Test
  void onFailoverViewersGetBothRoutersReplacedInOneEvent() {
    apply(
        List.of(
            w.advertise(1, "r1", LAN),
            w.advertise(1, "r2", LAN),
            w.approve(1, "r1", LAN),
            w.approve(1, "r2", LAN),
            w.online(2, "r1", "i1"),
            w.online(3, "r2", "i1")));
    Sink c = open("c");
    Sink r2 = open("r2");
    Node before = w.model.node("r2").map(n -> NetmapFrames.node(n, w.model.tailnet("t1"))).get();
    assertEquals(List.of("100.64.0.2/32", "fd7a:115c:a1e0::2/128"), before.getAllowedIpsList());
    assertEquals(List.of(LAN), before.getApprovedRoutesList(), "standing by");

    apply(w.offline(10, "r1", "i1"));
    List<MapResponse> got = c.fresh();
    Node old = replacement(got, "r1").orElseThrow();
    assertEquals(List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128"), old.getAllowedIpsList());
    assertEquals(List.of(), old.getPrimaryRoutesList());
    Node now = replacement(got, "r2").orElseThrow();
    assertEquals(List.of("100.64.0.2/32", "fd7a:115c:a1e0::2/128", LAN), now.getAllowedIpsList());
    assertEquals(List.of(LAN), now.getPrimaryRoutesList());
    Node me = self(r2.fresh()).orElseThrow();
    assertEquals(List.of(LAN), me.getPrimaryRoutesList());
  }

  @Test
  void anExitNodeCarriesBothDefaultRoutesAndIsPrimaryForNothing() {
    apply(w.online(1, "r1", "i1"));
    apply(w.advertise(2, "r1", "0.0.0.0/0", "::/0"));
    Sink c = open("c");
    apply(w.approve(3, "r1", "0.0.0.0/0", "::/0"));
    Node seen = replacement(c.fresh(), "r1").orElseThrow();
    assertEquals(
        List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128", "0.0.0.0/0", "::/0"),
        seen.getAllowedIpsList());
    assertEquals(List.of(), seen.getPrimaryRoutesList());
    assertEquals(List.of("0.0.0.0/0", "::/0"), seen.getApprovedRoutesList());
  }

  @Test
  void aPolicyNamingTheSubnetMakesTheRouterVisibleWithTheRuleInItsFilter() {
    apply(
        w.policy(
            0,
            """
            {"acls": [
              {"action": "accept", "src": ["alice@example.com"], "dst": ["192.168.1.0/24:22"]},
            ]}
            """));
    apply(w.online(1, "r2", "i1"));
    apply(w.advertise(2, "r2", LAN));
    Sink c = open("c");
    Sink r2 = open("r2");
    assertTrue(w.model.node("c").isPresent());
    assertEquals(0, r2.full().getPeersCount(), "alice may reach the LAN, not the router itself");

    apply(w.approve(3, "r2", LAN));
    List<MapResponse> toClient = c.fresh();
    assertEquals(List.of(LAN), replacement(toClient, "r2").orElseThrow().getPrimaryRoutesList());
    List<MapResponse> toRouter = r2.fresh();
    assertTrue(replacement(toRouter, "c").isPresent(), "the router sees who may reach it");
    FilterRule rule =
        toRouter.stream()
            .filter(MapResponse::hasPacketFilterChanged)
            .reduce((a, b) -> b)
            .orElseThrow()
            .getPacketFilterChanged()
            .getRules(0);
    assertEquals(
        List.of("100.64.0.3/32", "fd7a:115c:a1e0::3/128", "100.64.0.1/32", "fd7a:115c:a1e0::1/128"),
        FilterSources.text(rule),
        "alice's nodes c and r1");
    assertEquals(LAN, rule.getDestinations(0).getPrefix());
    assertEquals(22, rule.getDestinations(0).getPorts().getFirst());

    // Withdrawn: the router disappears from the client's netmap again.
    apply(w.approve(4, "r2"));
    assertTrue(
        c.fresh().stream()
            .anyMatch(
                f -> f.hasPeersRemoved() && f.getPeersRemoved().getNodeIdsList().contains("r2")));
  }
}
