package dev.trellis.e2e.nat;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NAT test bed: a {@link Lab} whose bridge is the "internet" (the server, in the root
 * namespace, serves control, relay and STUN there at the lab's host address), and any number of
 * device pairs, each device behind its own {@link NatRouter}. Every pair gets a tailnet of its own,
 * so pairs of earlier scenarios on the same server are invisible to later ones.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class NatLab implements AutoCloseable {
  final Lab lab;
  final ServerUnderTest server;
  final String cluster;
  private final List<Pair> pairs = new ArrayList<>();
  private int lans;

  /** Two devices, each behind its own router, in a tailnet of their own. */
  record Pair(NatRouter routerA, AgentUnderTest a, NatRouter routerB, AgentUnderTest b) {
    /** Kills both agents (the namespaces stay until the lab closes). */
    void stop() throws InterruptedException {
      a.kill();
      b.kill();
    }
  }

  private NatLab(Lab lab, ServerUnderTest server, String cluster) {
    this.lab = lab;
    this.server = server;
    this.cluster = cluster;
  }

  /** A lab and an all-in-one server whose relay devices dial at the lab's host address. */
  static NatLab start(String name) throws Exception {
    Lab lab = new Lab();
    try {
      String cluster = name + "-" + lab.tag;
      ServerUnderTest server =
          ServerUnderTest.start(lab, "server", cluster, List.of("--relay-addresses", lab.hostIp));
      return new NatLab(lab, server, cluster);
    } catch (Exception | Error e) {
      lab.close();
      throw e;
    }
  }

  /**
   * A second relay instance in the server's region: a process running only the relay service,
   * joined to the server's Kafka and Hazelcast.
   */
  ServerUnderTest relayInstance(String name) throws Exception {
    return ServerUnderTest.start(
        lab,
        name,
        cluster,
        List.of(
            "--service",
            "relay",
            "--kafka-bootstrap",
            server.kafka(),
            "--hazelcast-members",
            server.hazelcastMember(),
            "--relay-addresses",
            lab.hostIp));
  }

  /** The relay instance id a server process logged ("relay ID serving on port N"). */
  static String relayId(ServerUnderTest s) throws IOException {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("relay (\\S+) serving on port").matcher(s.log());
    if (!m.find()) {
      throw new IllegalStateException("no relay instance id in the log:\n" + s.log());
    }
    return m.group(1);
  }

  /** The relay instance a device's agent last connected to (from its log), or "". */
  static String relayOf(AgentUnderTest a) {
    String last = "";
    for (String line : a.log().lines().toList()) {
      int i = line.indexOf(" connected to ");
      if (line.startsWith("trellisd: relay region") && i > 0) {
        last = line.substring(i + " connected to ".length()).strip();
      }
    }
    return last;
  }

  /**
   * The sum of a Prometheus counter's samples whose labels contain {@code label} (e.g. {@code
   * path="mesh_in"}) in a server's metrics text.
   */
  static double counter(ServerUnderTest s, String name, String label) throws IOException {
    double sum = 0;
    for (String line : s.metrics().lines().toList()) {
      if (line.startsWith(name + "{") && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** A router of {@code kind} with one device namespace behind it. */
  NatRouter router(NatKind kind) throws IOException {
    return NatRouter.build(lab, kind, ++lans);
  }

  /**
   * A new pair: routers of the given kinds, {@code trellisd} behind each, both up in a new tailnet
   * and seeing each other. {@code beforeUp} runs once the routers exist (e.g. to block a relay).
   */
  Pair pair(NatKind kindA, NatKind kindB, RouterSetup beforeUp) throws Exception {
    int n = pairs.size() + 1;
    String tailnet = "nat" + n;
    server.createTailnet(tailnet);
    String key = server.authKey(tailnet, Map.of("reusable", true, "preapproved", true));
    NatRouter ra = router(kindA);
    NatRouter rb = router(kindB);
    beforeUp.apply(ra, rb);
    AgentUnderTest a = AgentUnderTest.start(lab, ra.deviceNs, "alpha" + n);
    AgentUnderTest b = AgentUnderTest.start(lab, rb.deviceNs, "bravo" + n);
    Pair p = new Pair(ra, a, rb, b);
    pairs.add(p);
    a.up(server.loginServer(), key).requireOk(a.name + " up");
    b.up(server.loginServer(), key).requireOk(b.name + " up");
    a.await("one peer", s -> s.peers().size() == 1, 15_000);
    b.await("one peer", s -> s.peers().size() == 1, 15_000);
    return p;
  }

  Pair pair(NatKind kindA, NatKind kindB) throws Exception {
    return pair(kindA, kindB, (x, y) -> {});
  }

  /** Something to do to a pair's routers before its devices come up. */
  interface RouterSetup {
    void apply(NatRouter a, NatRouter b) throws IOException;
  }

  @Override
  public void close() {
    lab.close();
  }
}
