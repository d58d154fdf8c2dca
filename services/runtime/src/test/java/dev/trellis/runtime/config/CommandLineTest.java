package dev.trellis.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private CommandLine.Outcome run(String... args) {
    return CommandLine.parse(
        "trellis-ipam",
        args,
        Map.of(),
        List.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    CommandLine.Outcome outcome = run("--http-port", "x", "--help");
    assertEquals(0, outcome.exitCode());
    assertTrue(outcome.settings().isEmpty());
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: trellis-ipam [flags]"));
  }

  @Test
  void aBadValueIsPrintedWithAHintAndExitsTwo() {
    CommandLine.Outcome outcome = run("--http-port", "abc");
    assertEquals(2, outcome.exitCode());
    assertEquals(
        "trellis-ipam: --http-port: 'abc' is not a port number (0-65535)\n"
            + "Run 'trellis-ipam --help' for the flags and their environment variables.\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void goodArgumentsGiveSettings() {
    CommandLine.Outcome outcome = run("--http-port", "8081");
    assertEquals(8081, outcome.settings().orElseThrow().httpPort());
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }
}
