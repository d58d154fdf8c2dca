package dev.trellis.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.e2e.Lab;
import dev.trellis.load.control.ChurningFleet;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane keeps every device's netmap right while its parts die. On the bare-process
 * deployment ({@code infra/local/start}: a Kafka broker and one JVM per service instance, two
 * coordinators, one relay), 200 simulated devices (the load harness's: own keys, a real Noise
 * channel each) join, spread over both coordinators, and stream; churn runs all along (endpoint
 * reports, channels closing and coming back) while, one after another:
 *
 * <ol>
 *   <li>the relay is killed with SIGKILL and relaunched;
 *   <li>a coordinator is killed: its devices reconnect to the other one (the harness's reconnect
 *       logic, as an agent's reconnect through the balancer), and it is relaunched later;
 *   <li>the key registry is killed and relaunched.
 * </ol>
 *
 * After each fault a sample of devices must match a fresh full netmap. Once the churn stops, every
 * device's delta-built netmap must equal a fresh full netmap, hold every other device, each online,
 * and every service's projections must equal a replay of the log. Recovery times are printed as
 * {@code FIGURE} lines, never asserted.
 */
@RootTest
@IntegrationTest
class FaultInjectionTest {
  private static final int DEVICES = 200;
  private static final int CHURN_PER_SECOND = 10;
  private static final long BETWEEN_FAULTS_MS = 5_000;

  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void netmapsStayRightWhileRelayCoordinatorAndKeyRegistryDie() throws Exception {
    long t0 = System.nanoTime();
    try (Lab lab = new Lab();
        LocalTopology topo = LocalTopology.startTwoCoordinators(lab, "fault");
        ChurningFleet fleet =
            ChurningFleet.join(
                topo.url("identity"),
                metricsBase(topo, "identity"),
                List.of(topo.url("coordinator-1"), topo.url("coordinator-2")),
                List.of(metricsBase(topo, "coordinator-1"), metricsBase(topo, "coordinator-2")),
                topo.token(),
                DEVICES,
                CHURN_PER_SECOND)) {
      System.out.println("FIGURE local-topology-start-ms " + topo.startMillis);
      System.out.println(
          "FIGURE fault-devices-joined-and-streaming "
              + DEVICES
              + " ("
              + fleet.connectedTo(0)
              + " on coordinator-1, "
              + fleet.connectedTo(1)
              + " on coordinator-2)");
      assertTrue(
          fleet.connectedTo(0) > 0 && fleet.connectedTo(1) > 0,
          "devices are spread over both coordinators");

      fleet.startChurn();
      Thread.sleep(BETWEEN_FAULTS_MS);

      // 1. The relay dies and is relaunched (a new instance): every device's relay map follows.
      Set<List<String>> relaysBefore = fleet.relayMaps();
      assertEquals(1, relaysBefore.size(), "every device holds the same relay map");
      long killed = System.nanoTime();
      topo.kill9("relay-1");
      topo.relaunch("relay-1");
      topo.awaitReady("relay-1", 120);
      // A device coming back online holds its old map until its resume is answered: the one
      // moment every streaming device agrees is the figure.
      AtomicReference<Set<List<String>>> relaysAfter = new AtomicReference<>();
      assertTrue(
          ChurningFleet.await(
              () -> {
                relaysAfter.set(fleet.relayMaps());
                // one map everywhere, naming one relay: the relaunched one, the dead one reaped
                return relaysAfter.get().size() == 1
                    && relaysAfter.get().iterator().next().size() == 1
                    && !relaysAfter.get().equals(relaysBefore);
              },
              60),
          "every device's relay map names the relaunched relay: "
              + relaysBefore
              + " -> "
              + relaysAfter.get());
      System.out.println(
          "FIGURE fault-relay-kill9-to-new-relay-map-everywhere-ms "
              + ms(killed)
              + " "
              + relaysBefore
              + " -> "
              + relaysAfter.get());
      recovered(fleet, "relay-kill9", killed);
      Thread.sleep(BETWEEN_FAULTS_MS);

      // 2. A coordinator dies: its devices move to the other; later it comes back.
      int onFirst = fleet.connectedTo(0);
      int redials = fleet.redials();
      killed = System.nanoTime();
      topo.kill9("coordinator-1");
      assertTrue(
          ChurningFleet.await(() -> fleet.connectedTo(0) == 0 && fleet.allStreaming(), 120),
          "the devices of the dead coordinator reconnect to the other within 120 s");
      System.out.println(
          "FIGURE fault-coordinator-kill9-to-its-devices-streaming-elsewhere-ms "
              + ms(killed)
              + " ("
              + onFirst
              + " devices on it, "
              + (fleet.redials() - redials)
              + " reconnected)");
      recovered(fleet, "coordinator-kill9-devices-moved", killed);
      Thread.sleep(BETWEEN_FAULTS_MS);
      long relaunched = System.nanoTime();
      topo.relaunch("coordinator-1");
      topo.awaitReady("coordinator-1", 120);
      recovered(fleet, "coordinator-relaunch", relaunched);
      Thread.sleep(BETWEEN_FAULTS_MS);

      // 3. The key registry dies and is relaunched.
      killed = System.nanoTime();
      topo.kill9("keys");
      topo.relaunch("keys");
      topo.awaitReady("keys", 120);
      recovered(fleet, "keys-kill9", killed);
      Thread.sleep(BETWEEN_FAULTS_MS);

      long stopping = System.nanoTime();
      fleet.stopChurn();
      int mismatches = fleet.checkAll();
      System.out.println(
          "FIGURE fault-final-check-ms " + ms(stopping) + " (churn stopped, streams settled)");
      System.out.println("FIGURE fault-netmap-mismatches " + mismatches + " of " + DEVICES);
      System.out.println(fleet.table());
      List<String> failures = fleet.failures();
      assertTrue(
          failures.isEmpty(), failures.size() + " failures:\n  " + String.join("\n  ", failures));
      assertEquals(0, mismatches);
      Set<List<String>> relays = fleet.relayMaps();
      assertTrue(
          relays.size() == 1 && relays.iterator().next().size() == 1,
          "every device's relay map names exactly the one relay running: " + relays);

      List<String> differ = new ArrayList<>();
      for (String i :
          List.of("identity", "keys", "ipam", "policy", "coordinator-1", "coordinator-2")) {
        JsonNode v = topo.call(i, "POST", "/api/v1/admin/replay/verify", Map.of(), 200);
        if (!v.path("equal").asBoolean()) {
          differ.add(i + ": " + v);
        }
      }
      assertTrue(differ.isEmpty(), "projections differ from the log: " + differ);
      System.out.println("FIGURE fault-test-total-ms " + ms(t0));
    }
  }

  /**
   * Prints the time since {@code since} until a sample of devices matches a fresh full netmap
   * (peers with a change in flight excused); a device that differs is a failure of the run, which
   * goes on so that the end lists every failure.
   */
  private static void recovered(ChurningFleet fleet, String fault, long since) throws Exception {
    assertTrue(
        ChurningFleet.await(fleet::allStreaming, 120), fault + ": every device streams again");
    int bad = fleet.checkSample(10);
    System.out.println(
        "FIGURE fault-"
            + fault
            + "-to-sample-netmaps-right-ms "
            + ms(since)
            + " (10 checked, "
            + bad
            + " differ)");
  }

  private static String metricsBase(LocalTopology topo, String instance) {
    String u = topo.metricsUrl(instance);
    return u.endsWith("/metrics") ? u.substring(0, u.length() - "/metrics".length()) : u;
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
