package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Direct paths behind more kinds of home router ({@link NatKind#NO_INPUT_FIREWALL}, {@link
 * NatKind#SHORT_MAPPING}, {@link NatKind#PORT_MAPPING}): one all-in-one server for the class, a
 * pair of real agents per scenario, each asserting the path both sides report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@RootTest
@IntegrationTest
class RouterBehaviourTest {
  private NatLab nat;

  @BeforeAll
  void start() throws Exception {
    Lab.requireRoot();
    nat = NatLab.start("routers");
  }

  @AfterAll
  void stop() {
    if (nat != null) {
      nat.close();
    }
  }

  /** Both sides end direct, each to the other's router's public address. */
  private static void awaitDirect(NatLab.Pair p) throws Exception {
    p.a()
        .await(
            "direct to " + p.routerB().wanIp,
            s -> PathAssert.directTo(s, p.routerB().wanIp),
            30_000);
    p.b()
        .await(
            "direct to " + p.routerA().wanIp,
            s -> PathAssert.directTo(s, p.routerA().wanIp),
            30_000);
  }

  /**
   * A plain Linux router (no input firewall) opposite a home router: a disco packet that reaches
   * the Linux router before its device has sent to that peer pins a conntrack entry that is not
   * NATed to the device, and the device's own packets to the peer then leave from another port; the
   * path still ends direct (through the port the peer learns from those packets, when pinned).
   */
  @Test
  void linuxRouterWithoutInputFirewallGoesDirect() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.NO_INPUT_FIREWALL, NatKind.EASY);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    awaitDirect(p);
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
    p.stop();
  }

  /**
   * Plain Linux routers on both sides: working, over the relay. Whichever side's disco packet
   * arrives first pins the other router's tuple (an unNATed conntrack entry that ICMP answered),
   * the pinned side's own packets to that peer then leave from another port, and those pin the
   * first router in turn; each further probe refreshes the pins. A direct path would need both
   * devices' first packets to cross between the routers (sent within one one-way delay of each
   * other).
   */
  @Test
  void linuxRoutersOnBothSidesWork() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.NO_INPUT_FIREWALL, NatKind.NO_INPUT_FIREWALL);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
    System.out.println(
        "PATH linux+linux: "
            + PathAssert.onlyPeer(p.a().status()).connection()
            + "\nROUTER A\n"
            + p.routerA().conntrack()
            + "\nROUTER B\n"
            + p.routerB().conntrack());
    p.stop();
  }

  /**
   * Routers that forget a mapping after 30 s of silence: while the peer is in use, the path's
   * heartbeats keep the mapping, so the path stays direct through a 35 s pause in traffic; when the
   * mapping is lost anyway (the router drops the path for a while and forgets whom the device
   * contacted), traffic falls back to the relay and the path goes direct again.
   */
  @Test
  void shortMappingsStayDirectAndComeBack() throws Exception {
    NatLab.Pair p = nat.pair(NatKind.SHORT_MAPPING, NatKind.SHORT_MAPPING);
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    awaitDirect(p);
    String before = PathAssert.onlyPeer(p.a().status()).endpoint();
    Thread.sleep(35_000); // no traffic of ours: only the path layer's heartbeats
    assertTrue(
        PathAssert.directTo(p.a().status(), p.routerB().wanIp)
            && PathAssert.onlyPeer(p.a().status()).endpoint().equals(before),
        "still direct to " + before + " after 35 s without traffic: " + p.a().status());
    assertTrue(p.a().ping(p.b().ipv4()), "a ping after the pause\n" + p.a().log());

    // the router loses the path: everything from the WAN dropped, and whom it let in forgotten
    p.routerA()
        .load(
            nat.lab,
            "table ip natcut {\n  chain cut { type filter hook prerouting priority raw - 1;\n"
                + "    iifname \"eth0\" meta l4proto udp drop\n  }\n}\n");
    long cut = System.nanoTime();
    while (System.nanoTime() - cut < 12_000_000_000L) {
      p.a().ping(p.b().ipv4()); // traffic keeps the peer active: it must fall back, not idle
    }
    p.a().await("relayed while the path is cut", PathAssert::relayed, 10_000);
    Command.check(
        "ip", "netns", "exec", p.routerA().routerNs, "nft", "delete", "table", "ip", "natcut");
    Command.check(
        "ip",
        "netns",
        "exec",
        p.routerA().routerNs,
        "nft",
        "flush",
        "set",
        "ip",
        "natlab",
        "contacted");
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    awaitDirect(p);
    p.stop();
  }

  /**
   * A miniupnpd router (after {@code extraRules}, an nft ruleset, when not null) opposite a hard
   * NAT; the daemon lands in {@code upnp[0]}.
   */
  private NatLab.Pair portMappingAndHard(PortMapDaemon[] upnp, String extraRules) throws Exception {
    int stunPort = stunPort();
    return nat.pair(
        NatKind.PORT_MAPPING,
        NatKind.HARD,
        (ra, rb) -> {
          if (extraRules != null) {
            ra.load(nat.lab, extraRules);
          }
          try {
            upnp[0] = PortMapDaemon.start(nat.lab, ra, nat.lab.hostIp, stunPort);
          } catch (Exception e) {
            throw new java.io.IOException(e);
          }
        });
  }

  /** Device A's netcheck once it reports {@code mapped} (or after 30 s). */
  private static String netcheckOnceMapped(NatLab.Pair p, String mapped) throws Exception {
    String check = "";
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!check.contains("portmap mapped: " + mapped) && System.nanoTime() < deadline) {
      check = p.a().trellis("netcheck").requireOk("trellis netcheck").out();
    }
    return check;
  }

  /** Waits for device B to go direct to A's mapped port. */
  private static void awaitDirectToMapping(NatLab.Pair p, String mapped) throws Exception {
    p.b()
        .await(
            "direct to the mapped port " + mapped,
            s ->
                PathAssert.directTo(s, p.routerA().wanIp)
                    && PathAssert.onlyPeer(s).endpoint().equals(mapped),
            30_000);
  }

  /**
   * A router that drops unsolicited inbound and maps endpoint-dependently, but offers PCP and
   * NAT-PMP (miniupnpd), opposite a hard NAT: only the mapping the agent asks for lets the hard
   * side's pings in. The agent maps its port, offers it, renews it before its 30 s lifetime ends,
   * netcheck reports it, the path goes direct, and an orderly stop deletes the mapping.
   */
  @Test
  void portMappingLetsAHardPeerIn() throws Exception {
    PortMapDaemon[] upnp = new PortMapDaemon[1];
    NatLab.Pair p = portMappingAndHard(upnp, null);
    String mapped = p.routerA().wanIp + ":" + NatRouter.DEVICE_PORT;
    String check = netcheckOnceMapped(p, mapped);
    assertTrue(
        check.contains("portmap mapped: " + mapped + " (pcp)")
            && check.contains("portmap pcp: true")
            && check.contains("portmap nat pmp: true")
            && check.contains("portmap external: " + p.routerA().wanIp),
        "netcheck behind miniupnpd:\n" + check + "\n" + upnp[0].log());
    Command.Result other = p.b().trellis("netcheck").requireOk("trellis netcheck");
    assertTrue(
        other.out().contains("portmap mapped: none"), "netcheck behind the hard NAT:\n" + other);

    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    awaitDirectToMapping(p, mapped);
    p.a().await("direct to the hard side", s -> PathAssert.directTo(s, p.routerB().wanIp), 30_000);
    Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);

    Thread.sleep((PortMapDaemon.MAX_LIFETIME + 5) * 1000L); // past the first lifetime: renewed
    assertTrue(
        PortMapDaemon.rules(p.routerA()).contains("dnat")
            && upnp[0]
                    .log()
                    .split(
                        "PCP request received from " + p.routerA().deviceIp + ":\\d+ 60bytes", -1)
                    .length
                > 2,
        "the mapping was renewed and outlives its first lifetime:\n" + upnp[0].log());
    assertTrue(p.a().ping(p.b().ipv4()), "a ping after the renewal");

    p.a().stop();
    assertFalse(
        PortMapDaemon.rules(p.routerA()).contains("dnat"),
        "an orderly stop deletes the mapping:\n"
            + PortMapDaemon.rules(p.routerA())
            + "\n"
            + upnp[0].log());
    p.stop();
  }

  /**
   * The same router with PCP filtered out (requests whose first byte is version 2 dropped on the
   * way to miniupnpd): the agent maps its port with NAT-PMP instead, and the hard side goes direct
   * to it.
   */
  @Test
  void natPmpWhenTheGatewayAnswersNoPcp() throws Exception {
    PortMapDaemon[] upnp = new PortMapDaemon[1];
    NatLab.Pair p =
        portMappingAndHard(
            upnp,
            "table ip nopcp {\n  chain input { type filter hook input priority filter;\n"
                + "    iifname \"lan0\" udp dport 5351 @th,64,8 2 drop\n  }\n}\n");
    String mapped = p.routerA().wanIp + ":" + NatRouter.DEVICE_PORT;
    String check = netcheckOnceMapped(p, mapped);
    assertTrue(
        check.contains("portmap mapped: " + mapped + " (nat-pmp)")
            && check.contains("portmap pcp: false")
            && check.contains("portmap nat pmp: true"),
        "netcheck behind miniupnpd without PCP:\n" + check + "\n" + upnp[0].log());
    PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
    awaitDirectToMapping(p, mapped);
    p.stop();
  }

  /**
   * A port-restricted router (endpoint-independent mapping, only replies let in) opposite a hard
   * NAT: the hard side's pings come from a port the easy side cannot know and are dropped, so after
   * ordinary discovery fails the agents try the birthday approach (bounded rounds of pings to
   * random ports of the peer's address). The path must end working: direct when a probe hit the
   * port, else relayed. {@code -Dtrellis.birthday.runs=N} repeats it with fresh pairs and prints
   * the rate at which it went direct.
   */
  @Test
  void portRestrictedAndHardWorkAndTryTheBirthdayApproach() throws Exception {
    int runs = Integer.getInteger("trellis.birthday.runs", 1);
    int direct = 0;
    for (int run = 1; run <= runs; run++) {
      NatLab.Pair p = nat.pair(NatKind.PORT_RESTRICTED, NatKind.HARD);
      PathAssert.pingUntilAnswered(p.a(), p.b(), 20);
      boolean wentDirect = false;
      long rounds =
          (long) BirthdayRounds.ROUNDS * BirthdayRounds.EVERY_SECONDS + 2L * BirthdayRounds.AFTER;
      long end = System.nanoTime() + rounds * 1_000_000_000L;
      while (!wentDirect && System.nanoTime() < end) {
        p.a().ping(p.b().ipv4()); // keeps the peer active: discovery (and birthday) rounds go on
        wentDirect = PathAssert.directTo(p.a().status(), p.routerB().wanIp);
      }
      if (wentDirect) {
        direct++;
        p.b()
            .await(
                "direct to the easy side", s -> PathAssert.directTo(s, p.routerA().wanIp), 20_000);
      } else {
        // relayed over either relay: both routers pass UDP, so the UDP relay may carry it
        var s = p.a().status();
        assertTrue(
            PathAssert.relayed(s) || PathAssert.udpRelayedVia(s, nat.lab.hostIp), "relayed: " + s);
        // the probes that missed reached the hard router's own stack, each leaving an entry
        long probes =
            p.routerB()
                .conntrack()
                .lines()
                .filter(l -> l.contains("src=" + p.routerA().wanIp + " dst=" + p.routerB().wanIp))
                .count();
        assertTrue(
            probes >= BirthdayRounds.PER_ROUND,
            "birthday probes seen by the hard router: " + probes);
      }
      if (run == 1) {
        Tcp.assertFlows(nat.lab, p.a(), p.routerA().deviceNs, p.b(), p.routerB().deviceNs);
      }
      System.out.println("FIGURE birthday run " + run + ": " + (wentDirect ? "direct" : "relayed"));
      p.stop();
    }
    System.out.println(
        "FIGURE birthday-direct-rate "
            + direct
            + "/"
            + runs
            + " (port-restricted + hard, "
            + BirthdayRounds.ROUNDS
            + " rounds of "
            + BirthdayRounds.PER_ROUND
            + " probes)");
  }

  /** The agent's birthday bounds (dev.trellis.agent.paths.BirthdayProbe), as the test waits. */
  private static final class BirthdayRounds {
    static final int ROUNDS = 4;
    static final int PER_ROUND = 1024;
    static final int AFTER = 2;
    static final int EVERY_SECONDS = 5;
  }

  /** The server's STUN port, from its log ("STUN on PORT"). */
  private int stunPort() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String line : nat.server.log().lines().toList()) {
        Matcher m = Pattern.compile("STUN on (\\d+)").matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no STUN port in the server log");
  }
}
