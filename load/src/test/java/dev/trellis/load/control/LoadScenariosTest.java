package dev.trellis.load.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.server.ServerMain;
import dev.trellis.testkit.tag.IntegrationTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every load scenario at CI size (200 devices, a few seconds) against a real all-in-one server and
 * a second, coordinator-only process (child JVMs from this test's class path), devices spread over
 * both: each run must pass its correctness checks — every device's delta-built netmap equal to a
 * fresh full netmap, during and after the scenario, every change reaching every device. Timings are
 * printed, never asserted.
 *
 * <p>Thread-safety: JUnit's thread only.
 */
@Timeout(600)
@IntegrationTest
class LoadScenariosTest {
  private static final List<String> JVM =
      List.of(
          "-Xmx768m",
          "-XX:+UseSerialGC",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--enable-native-access=ALL-UNNAMED");

  private static ServerLauncher launcher;
  private static List<String> servers = new ArrayList<>();
  private static List<String> pids = new ArrayList<>();
  private static List<String> metrics = new ArrayList<>();
  private static String token;

  @BeforeAll
  static void startServers() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerMain.class.getName()));
    launcher = new ServerLauncher(cmd);
    for (ServerLauncher.Started s : launcher.start(2)) {
      servers.add(s.url());
      pids.add(Long.toString(s.pid()));
      metrics.add(s.metricsUrl());
    }
    token = launcher.adminToken();
  }

  @AfterAll
  static void stopServers() {
    if (launcher != null) {
      launcher.close();
    }
  }

  private static int run(String scenario, boolean bothCoordinators, String... extra)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(scenario, "--devices", "200", "--sample", "5"));
    for (int i = 0; i < (bothCoordinators ? 2 : 1); i++) {
      args.addAll(
          List.of(
              "--server",
              servers.get(i),
              "--server-pid",
              pids.get(i),
              "--server-metrics",
              metrics.get(i)));
    }
    args.addAll(List.of("--token", token, "--concurrency", "16"));
    args.addAll(List.of(extra));
    return LoadRun.run(LoadOptions.parse(args.toArray(String[]::new)));
  }

  @Test
  void churnOnTwoCoordinators() throws Exception {
    assertEquals(0, run("churn", true, "--duration", "6s", "--rate", "20"));
  }

  @Test
  void policyChange() throws Exception {
    assertEquals(0, run("policy", false, "--policy-changes", "2"));
  }

  @Test
  void churnInSegments() throws Exception {
    // Each device sees only its segment's 39 others; a change must reach those and no one else.
    assertEquals(0, run("churn", true, "--segments", "5", "--duration", "5s", "--rate", "20"));
  }

  @Test
  void policyChangeInSegments() throws Exception {
    assertEquals(0, run("policy", false, "--segments", "5", "--policy-changes", "2"));
  }

  @Test
  void ephemeralBurst() throws Exception {
    assertEquals(0, run("ephemeral", true, "--burst", "40"));
  }

  @Test
  void reconnectStormInSegments() throws Exception {
    assertEquals(0, run("reconnect", true, "--segments", "4"));
  }

  @Test
  void ephemeralBurstInSegments() throws Exception {
    assertEquals(0, run("ephemeral", false, "--segments", "4", "--burst", "40"));
  }
}
