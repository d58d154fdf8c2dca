package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.PresharedKey;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every WireGuard tunnel between a Trellis agent (side A, in its own namespace) and a peer
 * (side B: wireguard-go or another Trellis agent) must do. Subclasses start side B.
 *
 * <p>Thread-safety: JUnit runs each test on one thread.
 */
abstract class TunnelContract {
  static final int PORT = 51820;
  protected NetnsLab lab;
  protected final NodePrivateKey keyA = NodePrivateKey.generate();
  protected final NodePrivateKey keyB = NodePrivateKey.generate();
  protected Path socketA;
  protected String tunA;
  protected String tunB;

  /** Starts side B with the given preshared key (or none) and clock speed (1 = real time). */
  abstract void startB(PresharedKey psk, int timeScale) throws IOException;

  /** Side B's status if it is a Trellis agent, else null. */
  abstract InterfaceStatus statusB() throws IOException;

  @BeforeEach
  void lab() throws IOException {
    NetnsLab.requireTools("ip", "wg", "wireguard-go", "python3", "ping");
    lab = new NetnsLab();
    tunA = "ta" + lab.tag;
    tunB = "tb" + lab.tag;
  }

  @AfterEach
  void teardown() {
    if (lab != null) {
      lab.close();
    }
  }

  String v4(int host) {
    return "10." + lab.net + ".0." + host;
  }

  String v6(int host) {
    return "fd" + Integer.toHexString(lab.net) + "::" + host;
  }

  /** A config for one side: interface address .self, one peer .other at {@code endpoint}. */
  String config(
      NodePrivateKey me,
      NodePrivateKey peer,
      int self,
      int other,
      String endpoint,
      PresharedKey psk,
      boolean wgQuickKeys) {
    StringBuilder b = new StringBuilder("[Interface]\n");
    b.append("PrivateKey = ").append(me.toSecretBase64()).append('\n');
    b.append("ListenPort = ").append(PORT).append('\n');
    if (wgQuickKeys) {
      b.append("Address = ").append(v4(self)).append("/24, ").append(v6(self)).append("/64\n");
    }
    b.append("\n[Peer]\nPublicKey = ").append(peer.publicKey().toBase64()).append('\n');
    if (psk != null) {
      b.append("PresharedKey = ").append(psk.toSecretBase64()).append('\n');
    }
    b.append("AllowedIPs = ").append(v4(other)).append("/32, ").append(v6(other)).append("/128\n");
    b.append("Endpoint = ").append(endpoint).append(':').append(PORT).append('\n');
    return b.toString();
  }

  void startA(PresharedKey psk, int timeScale) throws IOException {
    socketA =
        lab.startTrellis(
            lab.nsA,
            tunA,
            config(keyA, keyB, 1, 2, lab.underlayB, psk, true),
            "--time-scale",
            Integer.toString(timeScale));
  }

  void start(PresharedKey psk, int timeScale) throws IOException {
    startA(psk, timeScale);
    startB(psk, timeScale);
  }

  boolean ping(String ns, String target) {
    for (int i = 0; i < 3; i++) {
      if (lab.succeeds(ns, "ping", "-c", "2", "-i", "0.2", "-W", "2", target)) {
        return true;
      }
    }
    return false;
  }

  long counter(InterfaceStatus s, String name) {
    return s.counters().getOrDefault(name, -1L);
  }

  @Test
  void trellisInitiatesTheHandshake() throws Exception {
    start(null, 1);
    assertTrue(ping(lab.nsA, v4(2)), "ping A->B; A log: " + lab.log(tunA));
    InterfaceStatus a = lab.status(socketA);
    assertTrue(counter(a, "handshakes_initiated") >= 1, a.counters().toString());
    assertNotNull(a.peers().get(0).latestHandshake());
    assertTrue(a.peers().get(0).rxBytes() > 0 && a.peers().get(0).txBytes() > 0);
  }

  @Test
  void peerInitiatesTheHandshake() throws Exception {
    start(null, 1);
    assertTrue(ping(lab.nsB, v4(1)), "ping B->A; A log: " + lab.log(tunA));
    InterfaceStatus a = lab.status(socketA);
    assertEquals(0, counter(a, "handshakes_initiated"), a.counters().toString());
    assertTrue(counter(a, "handshakes_completed") >= 1);
    assertEquals(lab.underlayB + ":" + PORT, a.peers().get(0).endpoint().toString());
  }

  @Test
  void pingsBothWaysOverIpv4AndIpv6() throws Exception {
    start(null, 1);
    assertTrue(ping(lab.nsA, v4(2)));
    assertTrue(ping(lab.nsB, v4(1)));
    assertTrue(ping(lab.nsA, v6(2)), "IPv6 A->B");
    assertTrue(ping(lab.nsB, v6(1)), "IPv6 B->A");
  }

  @Test
  void tcpTransfersArriveIntactBothWays() throws Exception {
    start(null, 1);
    assertTrue(ping(lab.nsA, v4(2)));
    TcpTransfer.Result[] ab = TcpTransfer.run(lab, lab.nsA, lab.nsB, v4(2), 100L << 20, 0);
    assertTrue(ab[0].bytes() >= 100L << 20);
    assertEquals(ab[0], new TcpTransfer.Result(ab[1].bytes(), ab[1].sha256(), ab[0].seconds()));
    TcpTransfer.Result[] ba = TcpTransfer.run(lab, lab.nsB, lab.nsA, v6(1), 20L << 20, 0);
    assertEquals(ba[0].sha256(), ba[1].sha256(), "IPv6 B->A transfer");
    assertEquals(ba[0].bytes(), ba[1].bytes());
    System.out.printf(
        "%s: 100 MiB A->B in %.2f s (%.0f Mbit/s)%n",
        getClass().getSimpleName(), ab[0].seconds(), ab[0].bytes() * 8 / ab[0].seconds() / 1e6);
  }

  @Test
  void aPresharedKeyIsUsedOnBothSides() throws Exception {
    start(PresharedKey.generate(), 1);
    assertTrue(ping(lab.nsA, v4(2)), "ping with matching PSK");
    assertTrue(counter(lab.status(socketA), "handshakes_completed") >= 1);
  }

  @Test
  void aMismatchedPresharedKeyNeverCompletesAHandshake() throws Exception {
    startA(PresharedKey.generate(), 1);
    startB(PresharedKey.generate(), 1);
    assertFalse(lab.succeeds(lab.nsA, "ping", "-c", "3", "-i", "0.3", "-W", "1", v4(2)));
    assertEquals(0, counter(lab.status(socketA), "handshakes_completed"));
  }

  @Test
  void sigtermShutsDownCleanlyRemovingTheTunDeviceAndSocket() throws Exception {
    start(null, 1);
    assertTrue(ping(lab.nsA, v4(2)));
    assertTrue(lab.exec(lab.nsA, "ip", "link", "show").contains(tunA));
    Process agent = lab.processes().get(0); // side A's trellisd
    agent.destroy(); // SIGTERM to its PID
    assertTrue(agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "still running");
    // 143 = 128 + SIGTERM: the JVM's exit status after running its shutdown hooks on SIGTERM
    assertEquals(143, agent.exitValue(), lab.log(tunA));
    assertFalse(lab.log(tunA).contains("Exception"), lab.log(tunA));
    assertFalse(lab.exec(lab.nsA, "ip", "link", "show").contains(tunA), "TUN device left");
    assertFalse(java.nio.file.Files.exists(socketA), "control socket left");
  }

  @Test
  void aRekeyDuringTrafficKeepsTheTcpConnection() throws Exception {
    // Trellis runs its protocol clock 10x fast (a testing flag): REKEY_AFTER_TIME (120 s) comes
    // after 12 s and REJECT_AFTER_TIME (180 s) after 18 s, so a 25-second transfer only survives
    // if the real time-based rekey of the Trellis sender works against the peer.
    start(null, 10);
    assertTrue(ping(lab.nsA, v4(2)), "A initiates the first session");
    TcpTransfer.Result[] r = TcpTransfer.run(lab, lab.nsA, lab.nsB, v4(2), 0, 25);
    assertEquals(r[0].sha256(), r[1].sha256());
    assertEquals(r[0].bytes(), r[1].bytes());
    InterfaceStatus a = lab.status(socketA);
    assertTrue(
        counter(a, "handshakes_completed") >= 2,
        "expected a rekey during the transfer: " + a.counters());
  }
}
