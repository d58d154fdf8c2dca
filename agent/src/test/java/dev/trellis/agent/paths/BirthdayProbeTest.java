package dev.trellis.agent.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.disco.DiscoMessage;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The birthday rounds of one {@link PeerPath}: none while ordinary discovery may still work, then
 * bounded rounds of distinct random ports of the peer's public address, a pong to a round from any
 * of that address's ports makes the path direct, and nothing more after the last round until the
 * peer's endpoints change.
 */
class BirthdayProbeTest {
  private static final long S = 1_000_000_000L;
  private final NodePublicKey self = NodePrivateKey.generate().publicKey();
  private final NodePublicKey peerKey = NodePrivateKey.generate().publicKey();
  private final DiscoPublicKey peerDisco = DiscoPrivateKey.generate().publicKey();
  private final Endpoint peerLan = ep("192.168.2.10", 41641);
  private final Endpoint peerPublic = ep("198.51.100.7", 41641);
  private final List<Endpoint> own = List.of(ep("203.0.113.9", 41641));
  private final Recorder out = new Recorder();
  private final PeerPath path =
      new PeerPath(
          new PeerPathConfig(peerKey, peerDisco, List.of(peerLan, peerPublic), 1),
          Paths.virtualEndpoint(1),
          PathTimings.defaults());

  private static Endpoint ep(String ip, int port) {
    return new Endpoint(IpLiteral.parse(ip), port);
  }

  private static final class Recorder implements DiscoOut {
    final List<Endpoint> to = new ArrayList<>();
    final List<byte[]> tx = new ArrayList<>();

    @Override
    public void direct(Endpoint e, DiscoPublicKey key, DiscoMessage m) {
      if (m instanceof DiscoMessage.Ping p) {
        to.add(e);
        tx.add(p.txId());
      }
    }

    @Override
    public void relay(int region, NodePublicKey to, DiscoPublicKey key, DiscoMessage m) {}
  }

  @Test
  void roundsStartAfterFailedDiscoveryAndAreBounded() {
    for (int round = 1; round < BirthdayProbe.AFTER_FAILED_ROUNDS; round++) {
      path.discover(round * 5 * S, out, own, self);
    }
    assertEquals(2 * (BirthdayProbe.AFTER_FAILED_ROUNDS - 1), out.to.size(), "candidates only");
    out.to.clear();
    path.discover(20 * S, out, own, self);
    List<Endpoint> probes = out.to.subList(2, out.to.size());
    assertEquals(BirthdayProbe.PER_ROUND, probes.size());
    assertEquals(BirthdayProbe.PER_ROUND, new HashSet<>(probes).size(), "distinct ports");
    assertTrue(
        probes.stream().allMatch(e -> e.address().equals(peerPublic.address()) && e.port() >= 1024),
        "random ports of the public address, not the LAN one");
    for (int round = 2; round <= BirthdayProbe.ROUNDS + 2; round++) {
      path.discover((20 + round * 5) * S, out, own, self);
    }
    assertEquals(BirthdayProbe.ROUNDS, path.birthdayRounds(), "then no more");
    path.update(new PeerPathConfig(peerKey, peerDisco, List.of(peerPublic), 1));
    assertEquals(0, path.birthdayRounds(), "new endpoints, new chances");
  }

  @Test
  void aPongFromAnyPortOfTheProbedAddressMakesThePathDirect() {
    for (int round = 1; round <= BirthdayProbe.AFTER_FAILED_ROUNDS; round++) {
      path.discover(round * 5 * S, out, own, self);
    }
    byte[] tx = out.tx.get(out.tx.size() - 1);
    Endpoint hit = out.to.get(out.to.size() - 7);
    assertFalse(path.onPong(tx, ep("198.51.100.8", hit.port()), "", 11 * S), "another address: no");
    assertNull(path.route());
    assertTrue(path.onPong(tx, hit, "", 11 * S));
    assertEquals(hit, path.route());
  }

  @Test
  void probesGoToTheAddressThePeersNatGaveItEvenAPrivateOne() {
    Endpoint carrierNat = ep("10.77.0.12", 30001); // behind a carrier's NAT: private, yet mapped
    PeerPath behindCgnat =
        new PeerPath(
            new PeerPathConfig(
                peerKey, peerDisco, List.of(peerLan, carrierNat), 1, List.of(carrierNat.address())),
            Paths.virtualEndpoint(2),
            PathTimings.defaults());
    for (int round = 1; round <= BirthdayProbe.AFTER_FAILED_ROUNDS; round++) {
      behindCgnat.discover(round * 5 * S, out, own, self);
    }
    assertEquals(1, behindCgnat.birthdayRounds());
    assertTrue(
        out.to.subList(out.to.size() - BirthdayProbe.PER_ROUND, out.to.size()).stream()
            .allMatch(e -> e.address().equals(carrierNat.address())));
  }
}
