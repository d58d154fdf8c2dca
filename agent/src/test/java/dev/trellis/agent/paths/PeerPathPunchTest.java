package dev.trellis.agent.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.disco.DiscoMessage;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hole-punching decisions of one {@link PeerPath}, with the messages it sends recorded: a ping
 * from the peer is pinged back even right after our own ping to that address (which the peer's NAT
 * most likely dropped), ping-backs are limited to one a second per address, and a call-me-maybe is
 * answered with one of ours at most once a second while there is no direct path.
 */
class PeerPathPunchTest {
  private static final long MS = 1_000_000L;
  private final NodePublicKey self = NodePrivateKey.generate().publicKey();
  private final NodePublicKey peerKey = NodePrivateKey.generate().publicKey();
  private final DiscoPublicKey peerDisco = DiscoPrivateKey.generate().publicKey();
  private final Endpoint peerPublic = ep("198.51.100.7", 41641);
  private final Endpoint peerMapped = ep("198.51.100.7", 53111); // a symmetric NAT's new port
  private final List<Endpoint> own = List.of(ep("203.0.113.9", 41641));
  private final Recorder out = new Recorder();
  private final PeerPath path =
      new PeerPath(
          new PeerPathConfig(peerKey, peerDisco, List.of(peerPublic), 1),
          Paths.virtualEndpoint(1),
          PathTimings.defaults());

  private static Endpoint ep(String ip, int port) {
    return new Endpoint(IpLiteral.parse(ip), port);
  }

  private static final class Recorder implements DiscoOut {
    final List<Endpoint> pings = new ArrayList<>();
    int callMeMaybes;

    @Override
    public void direct(Endpoint to, DiscoPublicKey key, DiscoMessage m) {
      if (m instanceof DiscoMessage.Ping) {
        pings.add(to);
      }
    }

    @Override
    public void relay(int region, NodePublicKey to, DiscoPublicKey key, DiscoMessage m) {
      if (m instanceof DiscoMessage.CallMeMaybe) {
        callMeMaybes++;
      }
    }
  }

  @Test
  void aPingFromThePeerIsPingedBackEvenRightAfterOurOwnPingThere() {
    path.discover(1000 * MS, out, own, self);
    assertEquals(List.of(peerPublic), out.pings);
    assertEquals(1, out.callMeMaybes);

    path.onPingFrom(peerPublic, 1010 * MS, out, self); // 10 ms later: the peer's NAT is open now
    assertEquals(List.of(peerPublic, peerPublic), out.pings, "pinged back");

    path.onPingFrom(peerPublic, 1020 * MS, out, self);
    assertEquals(2, out.pings.size(), "at most one ping-back a second per address");
    path.onPingFrom(peerPublic, 2100 * MS, out, self);
    assertEquals(3, out.pings.size(), "and again after a second");

    path.onPingFrom(peerMapped, 2110 * MS, out, self);
    assertEquals(peerMapped, out.pings.get(3), "a new source (symmetric NAT) is pinged back too");
  }

  @Test
  void aCallMeMaybeIsAnsweredOnceASecondWhileThereIsNoDirectPath() {
    path.onCallMeMaybe(List.of(peerMapped), 1000 * MS, out, own, self);
    assertTrue(out.pings.contains(peerMapped));
    assertEquals(1, out.callMeMaybes, "asked back: our pings just opened our NAT to the peer");
    path.onCallMeMaybe(List.of(peerMapped), 1500 * MS, out, own, self);
    assertEquals(1, out.callMeMaybes, "not again within a second");
    path.discover(1600 * MS, out, own, self);
    assertEquals(2, out.callMeMaybes, "discovery always asks");
    path.onCallMeMaybe(List.of(peerMapped), 2000 * MS, out, own, self);
    assertEquals(2, out.callMeMaybes, "a second after our last call-me-maybe, not after the first");
  }

  @Test
  void aPeerThatReconnectedToTheRelayIsDiscoveredAgainAtOnce() {
    path.discover(1000 * MS, out, own, self);
    org.junit.jupiter.api.Assertions.assertFalse(path.discoveryDue(1100 * MS));
    path.rediscover();
    assertTrue(path.discoveryDue(1100 * MS), "PEER_PRESENT makes discovery due");
  }
}
