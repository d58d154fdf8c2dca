package dev.trellis.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.tag.IntegrationTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exit codes, merged output, the environment, and a deadline that holds. */
@IntegrationTest
class CommandTest {
  @Test
  void outputAndExitCodeAreReported() throws IOException {
    Command.Result r =
        Command.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
    assertEquals(3, r.code());
    assertTrue(r.out().contains("out\n") && r.out().contains("err\n"), r.out());
    AssertionError e = assertThrows(AssertionError.class, () -> r.requireOk("the probe"));
    assertTrue(e.getMessage().startsWith("the probe failed with exit 3:"), e.getMessage());
  }

  @Test
  void checkNamesTheCommandWhenItFails() {
    IOException e = assertThrows(IOException.class, () -> Command.check("sh", "-c", "exit 7"));
    assertTrue(e.getMessage().startsWith("sh -c exit 7: exit 7"), e.getMessage());
  }

  @Test
  void theEnvironmentIsAdded() throws IOException {
    Command.Result r =
        Command.run(
            List.of("sh", "-c", "echo $NETLAB_PROBE"),
            Duration.ofSeconds(30),
            Map.of("NETLAB_PROBE", "x42"));
    assertEquals("x42\n", r.out());
  }

  @Test
  void aCommandPastItsDeadlineIsKilled() throws IOException {
    long t0 = System.nanoTime();
    Command.Result r = Command.run(List.of("sleep", "30"), Duration.ofMillis(300));
    assertEquals(-1, r.code());
    assertTrue(r.out().startsWith("timed out after PT0.3S: sleep 30"), r.out());
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "returned at once");
  }

  @Test
  void aChildHoldingTheOutputOpenDoesNotHangTheCaller() throws IOException {
    long t0 = System.nanoTime();
    Command.Result r =
        Command.run(List.of("sh", "-c", "sleep 30 & echo started"), Duration.ofSeconds(1));
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("started"), r.out());
    assertTrue(
        System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "returned by the deadline");
  }
}
