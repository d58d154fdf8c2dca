package dev.trellis.agent.paths.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay client against a stand-in relay speaking the shared frame protocol over loopback TCP:
 * packets flow between two clients by node key, and when the instance a client uses dies it moves
 * to the region's other instance within seconds.
 */
class RelayClientsTest {
  private final Map<NodePublicKey, OutputStream> mesh = TestRelay.mesh();
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
  private TestRelay r1;
  private TestRelay r2;
  private RelayClients a;
  private RelayClients b;

  private record Got(NodePublicKey from, byte[] data) {}

  private static RelayNode node(String name, int port) {
    return RelayNode.newBuilder()
        .setName(name)
        .setRegionId(7)
        .setHostname("localhost")
        .setIpv4("127.0.0.1")
        .setRelayPort(port)
        .setTlsSpkiSha256(RelayTls.PLAINTEXT_PIN)
        .build();
  }

  private RelayMap map() {
    return RelayMap.newBuilder()
        .putRegions(
            7,
            RelayRegion.newBuilder()
                .setRegionId(7)
                .setRegionCode("lab")
                .addNodes(node("relay-lab-1", r1.port()))
                .addNodes(node("relay-lab-2", r2.port()))
                .build())
        .build();
  }

  @AfterEach
  void close() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    r1.close();
    r2.close();
  }

  @Test
  void packetsFlowByNodeKeyAndSurviveTheDeathOfTheInstance() throws Exception {
    r1 = new TestRelay(mesh);
    r2 = new TestRelay(mesh);
    NodePrivateKey ka = keyStartingAt(0);
    NodePrivateKey kb = keyStartingAt(0);
    a = new RelayClients(ka, quiet);
    b = new RelayClients(kb, quiet);
    LinkedBlockingQueue<Got> atB = new LinkedBlockingQueue<>();
    b.setReceiver(
        (region, from, d, off, len) ->
            atB.add(new Got(from, java.util.Arrays.copyOfRange(d, off, off + len))));
    a.setRelayMap(map());
    b.setRelayMap(map());
    b.setHome(7);
    a.setHome(7);
    assertEquals("lab", a.regionName(7));

    waitUntil(() -> a.homeConnected() && b.homeConnected());
    assertEquals("relay-lab-1", a.homeServer());
    assertTrue(a.send(0, kb.publicKey(), new byte[] {9, 1, 2, 3}, 1, 3));
    Got g = atB.poll(5, TimeUnit.SECONDS);
    assertNotNull(g);
    assertEquals(ka.publicKey(), g.from());
    assertArrayEquals(new byte[] {1, 2, 3}, g.data());

    long killed = System.nanoTime();
    r1.close(); // both were on instance 1
    waitUntil(() -> "relay-lab-2".equals(a.homeServer()) && "relay-lab-2".equals(b.homeServer()));
    long ms = (System.nanoTime() - killed) / 1_000_000;
    assertTrue(ms < 15_000, "reconnected in " + ms + " ms"); // about a second unless loaded
    // A packet sent before the instance has registered b's new connection is dropped there (as a
    // real relay does for a key it does not hold): send until one arrives.
    Got h = null;
    for (int i = 0; i < 20 && h == null; i++) {
      a.send(7, kb.publicKey(), new byte[] {4}, 0, 1);
      h = atB.poll(500, TimeUnit.MILLISECONDS);
    }
    assertNotNull(h, "nothing crossed the relay after the reconnect");
    assertArrayEquals(new byte[] {4}, h.data());
  }

  @Test
  void devicesStartAtTheInstanceTheirKeyHashesToAndSpreadOverTheRegion() throws Exception {
    r1 = new TestRelay(mesh);
    r2 = new TestRelay(mesh);
    NodePrivateKey ka = keyStartingAt(0);
    NodePrivateKey kb = keyStartingAt(1);
    a = new RelayClients(ka, quiet);
    b = new RelayClients(kb, quiet);
    LinkedBlockingQueue<Got> atB = new LinkedBlockingQueue<>();
    b.setReceiver(
        (region, from, d, off, len) ->
            atB.add(new Got(from, java.util.Arrays.copyOfRange(d, off, off + len))));
    a.setRelayMap(map());
    b.setRelayMap(map());
    a.setHome(7);
    b.setHome(7);
    waitUntil(() -> a.homeConnected() && b.homeConnected());
    assertEquals("relay-lab-1", a.homeServer());
    assertEquals("relay-lab-2", b.homeServer());
    assertTrue(a.send(7, kb.publicKey(), new byte[] {5}, 0, 1));
    assertNotNull(atB.poll(5, TimeUnit.SECONDS), "across the (stand-in) mesh");

    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      int first = RelayClients.firstInstance(NodePrivateKey.generate().publicKey(), 3);
      counts[first]++;
    }
    for (int c : counts) {
      assertTrue(c > 800 && c < 1200, "spread over three instances: " + Arrays.toString(counts));
    }
    NodePublicKey k = NodePrivateKey.generate().publicKey();
    assertEquals(RelayClients.firstInstance(k, 5), RelayClients.firstInstance(k, 5), "stable");
  }

  @Test
  void peerPresentReachesTheReceiver() throws Exception {
    r1 = new TestRelay(mesh);
    r2 = new TestRelay(mesh);
    NodePrivateKey ka = NodePrivateKey.generate();
    NodePublicKey peer = NodePrivateKey.generate().publicKey();
    a = new RelayClients(ka, quiet);
    LinkedBlockingQueue<NodePublicKey> present = new LinkedBlockingQueue<>();
    a.setReceiver(
        new dev.trellis.agent.paths.RelayLink.Receiver() {
          @Override
          public void received(int region, NodePublicKey from, byte[] d, int off, int len) {}

          @Override
          public void peerPresent(int region, NodePublicKey p) {
            present.add(p);
          }
        });
    a.setRelayMap(map());
    a.setHome(7);
    waitUntil(a::homeConnected);
    TestRelay used = "relay-lab-1".equals(a.homeServer()) ? r1 : r2;
    waitUntil(
        () -> {
          try {
            return used.sendTo(
                ka.publicKey(), new dev.trellis.proto.relay.RelayFrame.PeerPresent(peer));
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
    assertEquals(peer, present.poll(5, TimeUnit.SECONDS));
  }

  /** A key whose first choice among two instances is {@code index}. */
  private static NodePrivateKey keyStartingAt(int index) {
    while (true) {
      NodePrivateKey k = NodePrivateKey.generate();
      if (RelayClients.firstInstance(k.publicKey(), 2) == index) {
        return k;
      }
    }
  }

  @Test
  void withoutARelayMapNothingIsSent() throws Exception {
    r1 = new TestRelay(mesh);
    r2 = new TestRelay(mesh);
    a = new RelayClients(NodePrivateKey.generate(), quiet);
    assertFalse(a.send(0, NodePrivateKey.generate().publicKey(), new byte[1], 0, 1));
    assertEquals(1, a.dropped());
  }

  private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }
}
