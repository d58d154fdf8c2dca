package dev.trellis.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bare-process deployment ({@code infra/local/start}: a Kafka broker process and one JVM per
 * service instance, two coordinators) survives the failures an operator meets:
 *
 * <ol>
 *   <li>kill -9 of the coordinator the devices are connected to (also a Hazelcast member): the
 *       devices reconnect through the load balancer to the other coordinator and follow the netmap
 *       again, and no state is lost (every service's projections still equal a replay of the log);
 *   <li>the Kafka broker stopped for 30 s and restarted: no event is lost (the audit still lists
 *       every join) and every service catches up (a device joins afterwards and is seen);
 *   <li>kill -9 of the key registry's instance (a Hazelcast member holding state): tunnels keep
 *       working, and the relaunched instance has every node and agrees with the log;
 *   <li>kill -9 of the relay the devices are homed on, relaunched: every device reconnects;
 *   <li>the killed coordinator relaunched comes back ready.
 * </ol>
 *
 * Devices reach the coordinators through {@link Forwarder}, the stand-in for the operator's TCP
 * load balancer, since an agent has one login URL.
 */
@RootTest
@IntegrationTest
class MultiProcessDeploymentTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void survivesCoordinatorCrashKafkaOutageAndMemberLoss() throws Exception {
    try (Lab lab = new Lab();
        LocalTopology topo = LocalTopology.startTwoCoordinators(lab, "deploy");
        Forwarder lb =
            new Forwarder(
                lab.hostIp,
                List.of(
                    new InetSocketAddress("127.0.0.1", topo.port("coordinator-1")),
                    new InetSocketAddress("127.0.0.1", topo.port("coordinator-2"))))) {
      System.out.println("FIGURE local-topology-start-ms " + topo.startMillis);
      String login = "http://" + lab.hostIp + ":" + lb.port();
      String key =
          topo.call(
                  "identity",
                  "POST",
                  "/api/v1/authkeys",
                  Map.of("tailnet", "default", "reusable", true),
                  201)
              .path("key")
              .asText();
      AgentUnderTest a = AgentUnderTest.start(lab, lab.device(), "dep-a");
      AgentUnderTest b = AgentUnderTest.start(lab, lab.device(), "dep-b");
      a.up(login, key).requireOk("dep-a up");
      b.up(login, key).requireOk("dep-b up");
      a.await("dep-b seen", s -> names(s).contains("dep-b"), 10_000);
      assertPing(a, b);

      // 1. The coordinator both devices are connected to (the balancer's first choice) crashes.
      long killed = System.nanoTime();
      topo.kill9("coordinator-1");
      AgentUnderTest c = AgentUnderTest.start(lab, lab.device(), "dep-c");
      c.up(login, key).requireOk("dep-c up through coordinator-2");
      a.await("dep-c seen after the crash", s -> names(s).contains("dep-c"), 60_000);
      b.await("dep-c seen after the crash", s -> names(s).contains("dep-c"), 60_000);
      System.out.println(
          "FIGURE coordinator-kill9-to-netmap-delta-via-other-ms "
              + (System.nanoTime() - killed) / 1_000_000);
      assertPing(a, c);
      assertPing(b, a);
      assertEquals(3, nodes(topo), "the key registry still knows every node");
      verifyNoStateLost(topo, List.of("identity", "keys", "ipam", "policy", "coordinator-2"));

      // 2. Kafka stops for 30 s and comes back on the same data directory.
      topo.stop("kafka");
      long down = System.nanoTime();
      Thread.sleep(30_000);
      topo.relaunch("kafka");
      long back = System.nanoTime();
      AgentUnderTest d = AgentUnderTest.start(lab, lab.device(), "dep-d");
      Command.Result up = d.up(login, key);
      long tries = 1;
      while (up.code() != 0 && System.nanoTime() - back < 90_000_000_000L) {
        Thread.sleep(2_000); // the services' consumers and producers reconnect
        up = d.up(login, key);
        tries++;
      }
      up.requireOk("dep-d up after the Kafka outage");
      a.await("dep-d seen after the outage", s -> names(s).contains("dep-d"), 30_000);
      System.out.println(
          "FIGURE kafka-outage-"
              + (back - down) / 1_000_000_000
              + "s-restart-to-join-seen-ms "
              + (System.nanoTime() - back) / 1_000_000
              + " (trellis up attempts "
              + tries
              + ")");
      assertPing(d, c);
      assertEquals(4, nodes(topo), "every node after the outage");
      Set<String> joined = joinedHosts(topo);
      assertTrue(
          joined.containsAll(Set.of("dep-a", "dep-b", "dep-c", "dep-d")),
          "audit lists every join: " + joined);
      verifyNoStateLost(topo, List.of("identity", "keys", "ipam", "policy", "coordinator-2"));

      // 3. A Hazelcast member holding state partitions (the key registry) crashes: the tunnels
      // keep working, and the relaunched instance finds every node and agrees with the log.
      topo.kill9("keys");
      assertPing(a, d);
      topo.relaunch("keys");
      topo.awaitReady("keys", 120);
      assertEquals(4, nodes(topo), "every node after the key registry's member died");
      verifyNoStateLost(topo, List.of("keys", "identity", "ipam"));

      // 4. The relay every device is homed on crashes and is relaunched: the devices reconnect.
      awaitRelayConnections(topo, "relay-1", 4, 60);
      topo.kill9("relay-1");
      long relayKilled = System.nanoTime();
      assertPing(b, c); // LAN peers go direct; the relay is not on their path
      topo.relaunch("relay-1");
      topo.awaitReady("relay-1", 120);
      awaitRelayConnections(topo, "relay-1", 4, 60);
      System.out.println(
          "FIGURE relay-kill9-to-all-devices-reconnected-ms "
              + (System.nanoTime() - relayKilled) / 1_000_000);

      // 5. The crashed coordinator comes back and serves.
      topo.relaunch("coordinator-1");
      topo.awaitReady("coordinator-1", 120);
      verifyNoStateLost(topo, List.of("coordinator-1"));
    }
  }

  /** Waits until {@code relay}'s connections gauge shows at least {@code devices} devices. */
  private static void awaitRelayConnections(
      LocalTopology topo, String relay, int devices, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    double seen = -1;
    while (System.nanoTime() < deadline) {
      seen =
          topo.metrics(relay)
              .lines()
              .filter(l -> l.startsWith("trellis_relay_connections"))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      if (seen >= devices) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(relay + " holds " + seen + " device connections, expected " + devices);
  }

  /** Every projection of each instance equals a fresh replay of the log. */
  private static void verifyNoStateLost(LocalTopology topo, List<String> instances)
      throws Exception {
    for (String i : instances) {
      JsonNode v = topo.call(i, "POST", "/api/v1/admin/replay/verify", Map.of(), 200);
      assertTrue(v.path("equal").asBoolean(), i + ": projections differ from the log: " + v);
    }
  }

  private static int nodes(LocalTopology topo) throws Exception {
    JsonNode list = topo.call("keys", "GET", "/api/v1/nodes?tailnet=default", null, 200);
    JsonNode items = list.has("nodes") ? list.get("nodes") : list;
    return items.size();
  }

  /** The hostnames of the NodeRegistered events the audit log lists for the default tailnet. */
  private static Set<String> joinedHosts(LocalTopology topo) throws Exception {
    var r = topo.send("identity", "GET", "/api/v1/audit?tailnet=default", null);
    assertEquals(200, r.statusCode(), r.body());
    return r.body()
        .lines()
        .filter(l -> l.contains("NodeRegistered"))
        .flatMap(l -> Set.of("dep-a", "dep-b", "dep-c", "dep-d").stream().filter(l::contains))
        .collect(Collectors.toSet());
  }

  /** Pings {@code to}'s 100.x address from {@code from} for up to ~20 s; fails with both sides. */
  static void assertPing(AgentUnderTest from, AgentUnderTest to) throws Exception {
    String ip = to.ipv4();
    for (int i = 0; i < 20; i++) {
      if (from.ping(ip)) {
        return;
      }
    }
    throw new AssertionError(
        from.name
            + " -> "
            + to.name
            + " ("
            + ip
            + ") does not answer\n"
            + from.status()
            + "\n"
            + to.status()
            + "\n--- "
            + from.name
            + "\n"
            + tail(from.log())
            + "\n--- "
            + to.name
            + "\n"
            + tail(to.log()));
  }

  private static String tail(String log) {
    return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
  }

  static Set<String> names(AgentStatus s) {
    return s.peers().stream()
        .map(p -> p.name().contains(".") ? p.name().substring(0, p.name().indexOf('.')) : p.name())
        .collect(Collectors.toSet());
  }
}
