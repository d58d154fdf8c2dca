package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * NAT traversal on the test bed ({@link NatLab}): one all-in-one server for the class (each
 * scenario's pair lives in a tailnet of its own, so sharing it hides nothing), and per scenario two
 * devices behind routers of given {@link NatKind}s. Each scenario asserts the path both sides
 * report and that TCP (iperf3, 1 s) flows through the tunnel.
 *
 * <p>{@code -Dtrellis.nat.runs=N} repeats the easy+easy scenario N times with fresh pairs (the
 * time-to-direct benchmark, {@code load/bench-time-to-direct}, uses it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@RootTest
@IntegrationTest
class NatTraversalTest {
  private NatLab nat;

  @BeforeAll
  void start() throws Exception {
    Lab.requireRoot();
    nat = NatLab.start("nat");
  }

  @AfterAll
  void stop() {
    if (nat != null) {
      nat.close();
    }
  }

  /** Both behind endpoint-independent NATs: hole punching through call-me-maybe goes direct. */
  @Test
  void easyAndEasyGoDirect() throws Exception {
    int runs = Integer.getInteger("trellis.nat.runs", 1);
    List<Long> times = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      NatLab.Pair p = nat.pair(NatKind.EASY, NatKind.EASY);
      long first = PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
      long answered = (System.nanoTime() - first) / 1_000_000;
      String bPublic = p.routerB().wanIp + ":" + NatRouter.DEVICE_PORT;
      p.a()
          .await(
              "direct to " + bPublic,
              s ->
                  PathAssert.directTo(s, p.routerB().wanIp)
                      && PathAssert.onlyPeer(s).endpoint().equals(bPublic),
              20_000);
      long ms = (System.nanoTime() - first) / 1_000_000;
      times.add(ms);
      System.out.println(
          "FIGURE time-to-direct-ms "
              + ms
              + " (easy+easy, run "
              + run
              + ", first ping answered after "
              + answered
              + " ms)");
      p.b()
          .await(
              "direct to alpha's public address",
              s -> PathAssert.directTo(s, p.routerA().wanIp),
              20_000);
      if (run == 1) {
        System.out.println("FIGURE path " + p.a().name + " direct (easy+easy)");
        Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
        assertTrue(
            PathAssert.directTo(p.a().status(), p.routerB().wanIp),
            "still direct after TCP: " + p.a().status());
      }
      p.stop();
    }
    System.out.println("FIGURE time-to-direct-runs-ms " + times);
  }

  /**
   * Easy NAT and hard (symmetric) NAT: the hard side's ping gets through the easy side's
   * address-dependent filter (the easy side has sent to that address), the easy side answers to the
   * source it saw and pings it back: direct both ways.
   */
  @Test
  void easyAndHardGoDirect() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.EASY, NatKind.HARD);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    p.a()
        .await(
            "direct to the hard side's public address",
            s -> PathAssert.directTo(s, p.routerB().wanIp),
            20_000);
    p.b()
        .await(
            "direct to the easy side's public address",
            s -> PathAssert.directTo(s, p.routerA().wanIp),
            20_000);
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
    assertTrue(
        PathAssert.directTo(p.b().status(), p.routerA().wanIp),
        "still direct after TCP: " + p.b().status());
    p.stop();
  }

  /**
   * Two symmetric NATs cannot punch through each other, but both have UDP: the relay's UDP relay
   * carries them (not the TLS relay), and TCP flows through it.
   */
  @Test
  void hardAndHardEndOnTheUdpRelay() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.HARD, NatKind.HARD);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    String relay = nat.lab.hostIp;
    p.a().await("on the UDP relay", s -> PathAssert.udpRelayedVia(s, relay), 30_000);
    p.b().await("on the UDP relay", s -> PathAssert.udpRelayedVia(s, relay), 30_000);
    double before = NatLab.counter(nat.server, "trellis_relay_packets_total", "path=\"udp\"");
    System.out.println("FIGURE path " + p.a().name + " udp-relay (hard+hard)");
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
    assertTrue(
        PathAssert.udpRelayedVia(p.a().status(), relay),
        "still on the UDP relay after TCP: " + p.a().status());
    double after = NatLab.counter(nat.server, "trellis_relay_packets_total", "path=\"udp\"");
    assertTrue(after - before > 1000, "the TCP went through the UDP relay: " + (after - before));
    Command.Result rtt =
        nat.lab.run(
            p.routerA().deviceNs,
            List.of("ping", "-q", "-c", "20", "-i", "0.05", p.b().ipv4()),
            30);
    System.out.println(
        "FIGURE udp-relayed-ping "
            + rtt.out().lines().filter(l -> l.contains("rtt")).findFirst().orElse(rtt.out()));
    printRelayCounters();
    p.stop();
  }

  /**
   * A TCP session survives the UDP relay going away (its port blocked at one router: traffic falls
   * back to the TLS relay) and coming back (traffic returns to the UDP relay).
   */
  @Test
  void tcpSurvivesMovingBetweenTheUdpAndTlsRelays() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.HARD, NatKind.HARD);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    String relay = nat.lab.hostIp;
    p.a().await("on the UDP relay", s -> PathAssert.udpRelayedVia(s, relay), 30_000);
    int port = PathAssert.udpRelayPort(p.a().status());
    try (Tcp.Session tcp =
        Tcp.session(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs, 45)) {
      Thread.sleep(3000);
      p.routerA().blockUdp(nat.lab, relay, port);
      p.a().await("back on the TLS relay", PathAssert::relayed, 20_000);
      p.b().await("back on the TLS relay", PathAssert::relayed, 20_000);
      Thread.sleep(3000);
      p.routerA().unblockUdp();
      p.a().await("on the UDP relay again", s -> PathAssert.udpRelayedVia(s, relay), 30_000);
      p.b().await("on the UDP relay again", s -> PathAssert.udpRelayedVia(s, relay), 30_000);
      String line = tcp.awaitEnd(60);
      System.out.println("FIGURE tcp-across-path-moves " + line);
    }
    p.stop();
  }

  private void printRelayCounters() throws java.io.IOException {
    nat.server
        .metrics()
        .lines()
        .filter(
            l ->
                l.startsWith("trellis_relay_drops_total")
                    || l.startsWith("trellis_relay_packets_total")
                    || l.startsWith("trellis_relay_udp_sessions"))
        .forEach(l -> System.out.println("RELAY " + l));
  }

  /** A device whose network drops all UDP: relayed over TLS/TCP, working; netcheck says so. */
  @Test
  void udpBlockedRelaysOverTcp() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.UDP_BLOCKED, NatKind.EASY);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    System.out.println("FIGURE path " + p.a().name + " tls-relay (UDP blocked + easy)");
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
    p.a().await("relayed", PathAssert::relayed, 5_000);
    p.b().await("relayed", PathAssert::relayed, 5_000);
    Command.Result check = p.a().trellis("netcheck").requireOk("trellis netcheck");
    assertTrue(check.out().contains("udp: false"), "netcheck behind a UDP block:\n" + check.out());
    Command.Result other = p.b().trellis("netcheck").requireOk("trellis netcheck");
    assertTrue(other.out().contains("udp: true"), "netcheck behind the easy NAT:\n" + other.out());
    p.stop();
  }
}
