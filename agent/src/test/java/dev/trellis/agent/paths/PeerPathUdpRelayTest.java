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
 * A peer reached through the UDP relay still has no direct path: while it is active, discovery goes
 * on at the no-direct-path pace (every 5 s), not at the 30 s pace of a direct path looking for a
 * better one, so a direct path that opens later (an easy NAT against a hard one, whose mapping only
 * the hard side's pings reveal) is found within seconds.
 */
class PeerPathUdpRelayTest {
  private static final long S = 1_000_000_000L;
  private final NodePublicKey self = NodePrivateKey.generate().publicKey();
  private final NodePublicKey peerKey = NodePrivateKey.generate().publicKey();
  private final DiscoPublicKey peerDisco = DiscoPrivateKey.generate().publicKey();
  private final Endpoint peerPublic = ep("198.51.100.7", 41641);
  private final Endpoint session = ep("192.0.2.1", 3500);
  private final List<Endpoint> own = List.of(ep("203.0.113.9", 41641));
  private final List<Endpoint> pings = new ArrayList<>();
  private final List<byte[]> txs = new ArrayList<>();
  private final DiscoOut out =
      new DiscoOut() {
        @Override
        public void direct(Endpoint to, DiscoPublicKey key, DiscoMessage m) {
          if (m instanceof DiscoMessage.Ping p) {
            pings.add(to);
            txs.add(p.txId());
          }
        }

        @Override
        public void relay(int region, NodePublicKey to, DiscoPublicKey key, DiscoMessage m) {}
      };
  private final PeerPath path =
      new PeerPath(
          new PeerPathConfig(peerKey, peerDisco, List.of(peerPublic), 1),
          Paths.virtualEndpoint(1),
          PathTimings.defaults());

  private static Endpoint ep(String ip, int port) {
    return new Endpoint(IpLiteral.parse(ip), port);
  }

  @Test
  void onTheUdpRelayDiscoveryKeepsTheNoDirectPathPace() {
    long now = 100 * S;
    path.setUdpRelay(session, 1, "default");
    path.noteActive(now);
    path.discover(now, out, own, self);
    int i = pings.indexOf(session);
    assertTrue(i >= 0, "the session is pinged as a candidate: " + pings);
    assertTrue(path.onPong(txs.get(i), session, "", now + S / 100));
    assertEquals(session, path.route(), "on the UDP relay");

    pings.clear();
    for (long t = now + S; t <= now + 6 * S; t += S) {
      path.noteActive(t);
      path.tick(t, out, own, self);
    }
    assertTrue(
        pings.contains(peerPublic),
        "the peer's endpoint is probed again within 6 s while on the UDP relay: " + pings);
  }
}
