package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a real named network namespace: without {@code /etc/netns/NS/resolv.conf} the daemon leaves
 * /etc/resolv.conf (the host's) alone; with one, it manages that namespace's own file.
 */
@RootTest
@IntegrationTest
class NamespaceResolvConfTest {
  @TempDir Path dir;

  @Test
  void aNamespaceWithoutItsOwnResolvConfLeavesTheHostsAlone() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
    String ns = "tdns" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    Path etc = Path.of("/etc/netns", ns);
    run(List.of("ip", "netns", "add", ns));
    try {
      String shared = mode(ns);
      assertTrue(shared.startsWith("off: network namespace " + ns), shared);
      Files.createDirectories(etc);
      Files.writeString(etc.resolve("resolv.conf"), "nameserver 192.0.2.53\n");
      assertEquals("resolv.conf", mode(ns));
    } finally {
      Files.deleteIfExists(etc.resolve("resolv.conf"));
      Files.deleteIfExists(etc);
      run(List.of("ip", "netns", "del", ns));
    }
  }

  private String mode(String ns) throws Exception {
    return run(List.of(
            "ip",
            "netns",
            "exec",
            ns,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            PrintOsMode.class.getName(),
            dir.toString()))
        .strip();
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
    assertEquals(0, p.exitValue(), cmd + ": " + out);
    return out;
  }
}
