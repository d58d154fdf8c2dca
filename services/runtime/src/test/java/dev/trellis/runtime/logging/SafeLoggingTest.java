package dev.trellis.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.LogFormat;
import dev.trellis.runtime.service.Logging;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Untrusted text through the real logging pipeline (the bundled log4j2.xml, console output, both
 * formats): control, ANSI and bidi characters are escaped and every field is capped, in messages,
 * structured key-values and exception messages.
 */
class SafeLoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger(SafeLoggingTest.class);
  private static final String EVIL =
      "laptop\n2026-01-01T00:00:00Z INFO  [main] forged - admin logged in\u001b[31m\u202eexe.txt";

  @AfterEach
  void backToText() {
    Logging.use(LogFormat.TEXT);
  }

  /** What the process writes to standard output while {@code logging} runs, in {@code format}. */
  private static List<String> lines(LogFormat format, Runnable logging) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Logging.use(format); // the console appender binds the current standard output
      logging.run();
    } finally {
      System.setOut(original);
      Logging.use(LogFormat.TEXT);
    }
    return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
  }

  @Test
  void aHostileHostnameCannotForgeALineColourTheTerminalOrReorderText() {
    List<String> lines = lines(LogFormat.TEXT, () -> LOG.warn("refused hostname {}", EVIL));
    assertEquals(1, lines.size(), String.join("\n", lines));
    String line = lines.getFirst();
    assertTrue(line.contains("refused hostname laptop\\n2026-01-01T00:00:00Z INFO"), line);
    assertTrue(line.contains("\\u001b[31m\\u202eexe.txt"), line);
    assertFalse(line.contains("\u001b") || line.contains("\u202e"), line);
  }

  @Test
  void anOversizedFieldIsCutWithAMarker() {
    String huge = "h".repeat(60_000);
    List<String> lines =
        lines(LogFormat.TEXT, () -> LOG.warn("refused hostname {} from {}", huge, "192.0.2.1"));
    assertEquals(1, lines.size());
    String line = lines.getFirst();
    assertTrue(line.length() < 1_000, "line of " + line.length() + " chars");
    assertTrue(line.contains("...[" + (60_000 - 512) + " more chars] from 192.0.2.1"), line);
  }

  @Test
  void structuredKeyValuesAreEscapedAndCapped() {
    List<String> lines =
        lines(
            LogFormat.TEXT,
            () ->
                LoggerFactory.getLogger("trellis.events")
                    .atInfo()
                    .addKeyValue("aggregate_id", "n1\nforged=yes")
                    .addKeyValue("subject", "s".repeat(5_000))
                    .log("{} {}", "NodeRegistered", "node " + EVIL));
    assertEquals(1, lines.size(), String.join("\n", lines));
    String line = lines.getFirst();
    assertTrue(line.contains("aggregate_id=n1\\nforged=yes"), line);
    assertTrue(line.contains("more chars]"), line);
    assertTrue(line.length() < 2_500, "line of " + line.length() + " chars");
  }

  @Test
  void exceptionMessagesAreEscapedButTheStackTraceKeepsItsLines() {
    List<String> lines =
        lines(
            LogFormat.TEXT,
            () ->
                LOG.error(
                    "request failed",
                    new IllegalStateException(
                        "outer", new IllegalArgumentException("bad host " + EVIL))));
    assertTrue(lines.getFirst().endsWith("request failed"), lines.getFirst());
    String all = String.join("\n", lines);
    assertTrue(
        all.contains("Caused by: java.lang.IllegalArgumentException: bad host laptop\\n2026"), all);
    for (String l : lines.subList(1, lines.size())) {
      assertTrue(
          l.startsWith("java.lang.IllegalStateException: outer")
              || l.startsWith("Caused by: ")
              || l.startsWith("\t"),
          "a line that is not part of the stack trace: " + l);
      assertFalse(l.contains("\u001b") || l.contains("\u202e"), l);
    }
  }

  @Test
  void jsonLinesCarryTheSameSafeText() {
    List<String> lines =
        lines(
            LogFormat.JSON,
            () ->
                LoggerFactory.getLogger("trellis.events")
                    .atWarn()
                    .addKeyValue("hostname", EVIL)
                    .log("refused hostname {} ({})", EVIL, "x".repeat(10_000)));
    assertEquals(1, lines.size(), String.join("\n", lines));
    JsonObject event = new JsonObject(lines.getFirst());
    String message = event.getString("message");
    assertTrue(message.startsWith("refused hostname laptop\\n2026"), message);
    assertTrue(message.contains("\\u202eexe.txt"), message);
    assertTrue(message.length() < 1_500, "message of " + message.length());
    assertTrue(lines.getFirst().contains("laptop\\\\n2026"), lines.getFirst());
    assertFalse(lines.getFirst().contains("\u202e"), lines.getFirst());
  }

  @Test
  void logTextEscapesAndCaps() {
    assertEquals("plain", LogText.safe("plain", 10));
    assertEquals(
        "a\\nb\\r\\tc\\u0000\\u007f\\u009b\\u2066",
        LogText.safe("a\nb\r\tc\0\u007f\u009b\u2066", 100));
    assertEquals("abc...[3 more chars]", LogText.safe("abcdef", 3));
    assertEquals("null", LogText.safe(null, 3));
    assertEquals("a...[2 more chars]", LogText.safe("a\uD83D\uDE00", 2)); // never half a character
  }
}
