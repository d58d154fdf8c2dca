package dev.trellis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.admin.cli.AdminMain;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --service NAME} runs one service alone against external Kafka and Hazelcast: a second
 * process running only identity joins the all-in-one's Hazelcast cluster and Kafka and serves the
 * same state. And a service whose Kafka is unreachable says so and keeps retrying instead of dying
 * with a stack trace.
 */
@IntegrationTest
class MultiProcessTest {
  @TempDir Path dir;

  private static String admin(String url, String token, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        AdminMain.run(
            args,
            Map.of("TRELLIS_SERVER", url, "TRELLIS_TOKEN", token),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSingleServiceProcessSharesStateWithTheAllInOne() throws Exception {
    Path allDir = Files.createDirectory(dir.resolve("all"));
    Path idDir = Files.createDirectory(dir.resolve("identity"));
    String cluster = "multi-" + ProcessHandle.current().pid();
    int hzAll = FreePorts.tcp();
    try (ServerProcess all = ServerProcess.start(allDir, FreePorts.tcp(), hzAll, cluster)) {
      Matcher kafka = Pattern.compile("Kafka (127\\.0\\.0\\.1:\\d+)").matcher(all.output());
      assertTrue(kafka.find(), all.output());
      String token = Files.readString(allDir.resolve("admin-token")).trim();
      admin(all.url(), token, "tailnet", "create", "from-all");

      try (ServerProcess identity =
          ServerProcess.start(
              idDir,
              FreePorts.tcp(),
              FreePorts.tcp(),
              cluster,
              List.of(
                  "--service",
                  "identity",
                  "--kafka-bootstrap",
                  kafka.group(1),
                  "--hazelcast-members",
                  "127.0.0.1:" + hzAll))) {
        assertTrue(identity.output().contains("Trellis server (identity)"), identity.output());
        assertFalse(identity.output().contains("Admin API token"), "bootstrapped twice");
        String listed = admin(identity.url(), token, "tailnet", "list");
        assertTrue(listed.contains("default") && listed.contains("from-all"), listed);
        admin(identity.url(), token, "tailnet", "create", "from-identity");
        String onAll = admin(all.url(), token, "tailnet", "list");
        assertTrue(onAll.contains("from-identity"), onAll);
      }
    }
  }

  @Test
  void unreachableKafkaIsRetriedWithAClearMessage() throws Exception {
    int deadPort = FreePorts.tcp();
    try (ServerProcess lonely =
        ServerProcess.launch(
            dir,
            FreePorts.tcp(),
            FreePorts.tcp(),
            "lonely-" + ProcessHandle.current().pid(),
            List.of("--service", "keys", "--kafka-bootstrap", "127.0.0.1:" + deadPort))) {
      assertTrue(
          lonely.awaitOutput("unreachable", 60),
          "expected a clear 'unreachable, retrying' line:\n" + lonely.output());
      assertTrue(lonely.awaitOutput("retrying", 5), lonely.output());
      assertTrue(lonely.alive(), "the process must keep retrying, not exit:\n" + lonely.output());
      assertFalse(lonely.output().contains("\tat "), "no stack trace:\n" + lonely.output());
    }
  }
}
