package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.Resolvers;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The resolver's listeners against real parts: Debian's {@code dig} as the client (UDP, TCP, with
 * and without EDNS0) and dnsmasq as the upstreams (the device's original resolver, a split-DNS
 * resolver for {@code corp.test}, and one that sends queries back: a loop).
 */
@IntegrationTest
class ResolverWithRealClientsTest {
  static Path dir;
  static Dnsmasq original;
  static Dnsmasq corp;
  static Dnsmasq looping;
  static DatagramSocket silent;
  static DnsCounters counters;
  static Forwarder forwarder;
  static DnsListeners listeners;
  static int port;
  static volatile ResolverState state;

  @BeforeAll
  static void start() throws Exception {
    Dnsmasq.require();
    dir = Files.createTempDirectory("dns-test");
    String chunk = "x".repeat(200);
    original =
        Dnsmasq.start(
            dir,
            "--address=/example.test/192.0.2.10",
            "--txt-record=big.example.test," + String.join(",", List.of(chunk, chunk, chunk)));
    corp = Dnsmasq.start(dir, "--address=/corp.test/10.1.2.3");
    port = Dnsmasq.freePort();
    looping = Dnsmasq.start(dir, "--server=/loop.test/127.0.0.1#" + port);
    silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    state = state(Netmaps.self(), Netmaps.peers());
    counters = new DnsCounters();
    forwarder = new Forwarder(counters);
    listeners =
        DnsListeners.start(
            List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
            () -> state,
            forwarder,
            counters,
            true);
  }

  static ResolverState state(
      dev.trellis.proto.control.v1.Node self, List<dev.trellis.proto.control.v1.Node> peers) {
    DnsConfig config =
        Netmaps.config()
            .putRoutes(
                "corp.test", Resolvers.newBuilder().addAddresses("127.0.0.1:" + corp.port).build())
            .putRoutes(
                "loop.test",
                Resolvers.newBuilder().addAddresses("127.0.0.1:" + looping.port).build())
            .putRoutes(
                "dead.test",
                Resolvers.newBuilder().addAddresses("127.0.0.1:" + silent.getLocalPort()).build())
            .build();
    return new ResolverState(
        RecordTable.build(self, peers, config),
        UpstreamRoutes.of(config, List.of(Upstream.parse("127.0.0.1:" + original.port))));
  }

  @AfterAll
  static void stop() throws IOException {
    if (listeners != null) {
      listeners.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    for (Dnsmasq d : new Dnsmasq[] {original, corp, looping}) {
      if (d != null) {
        d.close();
      }
    }
    if (silent != null) {
      silent.close();
    }
  }

  @Test
  void peersResolveByFullAndShortNameOverUdpAndTcp() throws Exception {
    assertEquals(List.of("100.64.0.2"), Dig.shortAnswer(port, "nas.acme.trellis.internal", "A"));
    assertEquals(List.of("100.64.0.2"), Dig.shortAnswer(port, "nas", "A", "+tcp"));
    assertEquals(List.of("fd7a:115c:a1e0::2"), Dig.shortAnswer(port, "NAS", "AAAA"));
    assertEquals(List.of("nas.acme.trellis.internal."), Dig.shortAnswer(port, "-x", "100.64.0.2"));
    assertEquals("NXDOMAIN", Dig.status(Dig.run(port, "gone.acme.trellis.internal", "A")));
    String full = Dig.run(port, "grafana.acme.trellis.internal", "A");
    assertTrue(full.contains(" aa "), "authoritative answer: " + full);
  }

  @Test
  void otherNamesGoToTheOriginalResolverAndSplitDomainsToTheirOwn() throws Exception {
    long before = corp.queriesFor("www.example.test");
    assertEquals(List.of("192.0.2.10"), Dig.shortAnswer(port, "www.example.test", "A"));
    assertEquals(List.of("10.1.2.3"), Dig.shortAnswer(port, "db.corp.test", "A"));
    assertEquals(List.of("10.1.2.3"), Dig.shortAnswer(port, "db.corp.test", "A", "+tcp"));
    assertEquals(1, original.queriesFor("www.example.test"));
    assertEquals(before, corp.queriesFor("www.example.test"));
    assertEquals(0, original.queriesFor("db.corp.test"));
    assertTrue(corp.queriesFor("db.corp.test") >= 2);
  }

  @Test
  void aLargeForwardedAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
    String udp = Dig.run(port, "big.example.test", "TXT", "+ignore", "+noedns");
    assertTrue(udp.matches("(?s).*flags:[^;]* tc[ ;].*"), "TC over UDP without EDNS0:\n" + udp);
    String retried = Dig.run(port, "big.example.test", "TXT", "+noedns");
    assertEquals("NOERROR", Dig.status(retried));
    assertTrue(retried.contains("x".repeat(200)), retried);
    assertTrue(retried.contains("(TCP)"), "dig retried over TCP:\n" + retried);
  }

  @Test
  void anUnansweringUpstreamGivesServfailWithinTheDeadline() throws Exception {
    long t0 = System.nanoTime();
    String out = Dig.run(port, "x.dead.test", "A", "+time=6");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("SERVFAIL", Dig.status(out));
    assertTrue(
        ms >= Forwarder.DEADLINE.toMillis() - 100 && ms < Forwarder.DEADLINE.toMillis() + 1500,
        "SERVFAIL after " + ms + " ms");
    assertTrue(counters.upstreamTimeouts() >= 2);
  }

  @Test
  void aQueryGoingRoundInALoopEndsInServfailWithoutMultiplying() throws Exception {
    long stopped = counters.loops() + counters.coalescedCount();
    long t0 = System.nanoTime();
    String out = Dig.run(port, "a.loop.test", "A", "+time=8");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("SERVFAIL", Dig.status(out));
    assertTrue(ms < Forwarder.DEADLINE.toMillis() + 1500, "SERVFAIL after " + ms + " ms");
    assertTrue(counters.loops() + counters.coalescedCount() > stopped, "the loop was cut");
    long seen = looping.queriesFor("a.loop.test");
    assertTrue(seen <= 2 * Forwarder.MAX_SAME_QUESTION, "the loop went round " + seen + " times");
  }

  @Test
  void aBurstOfIdenticalQueriesIsAnsweredForEveryClient() throws Exception {
    int clients = 32;
    byte[] base = Queries.wire("burst.example.test.", org.xbill.DNS.Type.A);
    java.util.List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
      for (int i = 0; i < clients; i++) {
        int id = 1000 + i;
        answers.add(
            pool.submit(
                () -> {
                  byte[] q = base.clone();
                  q[0] = (byte) (id >> 8);
                  q[1] = (byte) id;
                  try (DatagramSocket s = new DatagramSocket()) {
                    s.setSoTimeout(5000);
                    s.send(
                        new DatagramPacket(
                            q,
                            q.length,
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
                    byte[] buf = new byte[512];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    var m = Queries.parse(java.util.Arrays.copyOf(buf, p.getLength()));
                    assertEquals(id, m.getHeader().getID());
                    return m.getSection(org.xbill.DNS.Section.ANSWER).getFirst().rdataToString();
                  }
                }));
      }
      for (var a : answers) {
        assertEquals("192.0.2.10", a.get());
      }
    }
  }

  @Test
  void garbageIsAnsweredWithFormerrOrDroppedNeverKillsTheListener() throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(2000);
      InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      byte[] junk = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 63};
      s.send(new DatagramPacket(junk, junk.length, to));
      byte[] buf = new byte[512];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p);
      assertEquals(0x12, buf[0]);
      assertEquals(0x34, buf[1]);
      assertEquals(1, buf[3] & 0x0f, "FORMERR");
      s.send(new DatagramPacket(new byte[5], 5, to));
    }
    assertEquals(List.of("100.64.0.2"), Dig.shortAnswer(port, "nas", "A"));
    assertTrue(counters.dropped(DnsCounters.Drop.MALFORMED) >= 1);
  }

  @Test
  void aPeerRemovedFromTheNetmapStopsResolvingAtOnce() throws Exception {
    ResolverState before = state;
    try {
      assertEquals(List.of("100.64.0.3"), Dig.shortAnswer(port, "grafana", "A"));
      state = state(Netmaps.self(), List.of(Netmaps.peers().getFirst()));
      assertEquals("NXDOMAIN", Dig.status(Dig.run(port, "grafana.acme.trellis.internal", "A")));
    } finally {
      state = before;
    }
  }
}
