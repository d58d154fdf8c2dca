package dev.trellis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.ConfigException;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration is one clear line and exit code 2, before anything starts. */
class ServerMainTest {
  @TempDir Path dir;

  private static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingStateDirectoryIsNamed() {
    Path missing = dir.resolve("nope");
    int[] code = new int[1];
    String err =
        stderrOf(
            () ->
                code[0] =
                    ServerMain.run(new String[] {"--state-dir", missing.toString()}, Map.of()));
    assertEquals(2, code[0]);
    assertTrue(err.contains(missing.toString()), err);
    assertTrue(err.lines().count() <= 2, "one clear message, no stack trace: " + err);
  }

  @Test
  void badPortIsNamed() {
    int[] code = new int[1];
    String err =
        stderrOf(
            () ->
                code[0] =
                    ServerMain.run(
                        new String[] {"--state-dir", dir.toString(), "--http-port", "abc"},
                        Map.of()));
    assertEquals(2, code[0]);
    assertTrue(err.contains("--http-port"), err);
  }

  @Test
  void unknownFlagIsRefused() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = ServerMain.run(new String[] {"--frobnicate"}, Map.of()));
    assertEquals(2, code[0]);
    assertTrue(err.contains("--frobnicate"), err);
  }

  @Test
  void singleServiceNeedsExternalKafka() {
    int[] code = new int[1];
    String err =
        stderrOf(
            () ->
                code[0] =
                    ServerMain.run(
                        new String[] {
                          "--state-dir", dir.toString(), "--service", "keys", "--http-port", "0"
                        },
                        Map.of()));
    assertEquals(2, code[0]);
    assertTrue(err.contains("--kafka-bootstrap"), err);
  }

  @IntegrationTest
  @Test
  void unreachableKafkaFailsWithinTheTimeoutNamingTheSetting() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens here once closed
    }
    int[] code = new int[1];
    long t0 = System.nanoTime();
    String err =
        stderrOf(
            () ->
                code[0] =
                    ServerMain.run(
                        new String[] {
                          "--state-dir", dir.toString(),
                          "--service", "keys",
                          "--http-port", "0",
                          "--hazelcast-port", "0",
                          "--hazelcast-cluster", "unreachable-kafka-" + closed,
                          "--kafka-bootstrap", "127.0.0.1:" + closed,
                          "--kafka-connect-timeout", "2s"
                        },
                        Map.of()));
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertEquals(2, code[0], err);
    assertTrue(err.contains("--kafka-bootstrap") && err.contains("--kafka-connect-timeout"), err);
    assertTrue(seconds < 60, "gave up after " + seconds + " s");
  }

  @Test
  void unknownServiceIsNamed() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ServiceCatalog.select(settings("dns")));
    assertTrue(
        e.getMessage().contains("dns") && e.getMessage().contains("identity"), e.getMessage());
    assertEquals(6, ServiceCatalog.select(settings(ServiceCatalog.ALL)).size());
  }

  @Test
  void serviceFlagsAreParsedAndChecked() {
    var s =
        dev.trellis.runtime.config.Settings.parse(
            "trellis-server",
            new String[] {"--ephemeral-offline-timeout", "3s"},
            java.util.Map.of(),
            ServiceFlags.ALL);
    assertEquals(
        java.time.Duration.ofSeconds(3), s.values().get(ServiceFlags.EPHEMERAL_OFFLINE_TIMEOUT));
    assertThrows(
        ConfigException.class,
        () ->
            dev.trellis.runtime.config.Settings.parse(
                "trellis-server",
                new String[] {"--ephemeral-offline-timeout", "soon"},
                java.util.Map.of(),
                ServiceFlags.ALL));
  }

  private static dev.trellis.runtime.config.Settings settings(String service) {
    return dev.trellis.runtime.config.Settings.parse(
        "trellis-server",
        new String[] {"--service", service},
        java.util.Map.of(),
        ServiceFlags.ALL);
  }
}
