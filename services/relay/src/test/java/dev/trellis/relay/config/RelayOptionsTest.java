package dev.trellis.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's flags: defaults, addresses, and refusals naming the flag. */
class RelayOptionsTest {
  private static RelayOptions parse(Path dir, String... flags) {
    String[] args = new String[flags.length + 2];
    args[0] = "--state-dir";
    args[1] = dir.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    Settings s = Settings.parse("trellis", args, Map.of(), RelayFlags.ALL);
    return RelayOptions.from(s.values(), s.httpHost());
  }

  @Test
  void defaultsAreTheDocumentedPorts(@TempDir Path dir) {
    var o = parse(dir);
    assertEquals(8443, o.relayPort());
    assertEquals(3478, o.stunPort());
    assertEquals(1, o.regionId());
    assertEquals("default", o.regionCode());
    assertTrue(o.addresses().stream().noneMatch(a -> a.equals("127.0.0.1") || a.equals("::1")));
  }

  @Test
  void addressesAreIpAddresses(@TempDir Path dir) {
    var o = parse(dir, "--relay-addresses", "192.0.2.10, 2001:db8::a", "--relay-region-id", "7");
    assertEquals(List.of("192.0.2.10", "2001:db8:0:0:0:0:0:a"), o.addresses());
    assertEquals(7, o.regionId());
    var e =
        assertThrows(
            ConfigException.class, () -> parse(dir, "--relay-addresses", "relay.example.com"));
    assertTrue(e.getMessage().contains("--relay-addresses"), e.getMessage());
  }

  @Test
  void aCertificateNeedsItsKey(@TempDir Path dir) {
    var e = assertThrows(ConfigException.class, () -> parse(dir, "--relay-cert", "/x.pem"));
    assertTrue(e.getMessage().contains("--relay-key"), e.getMessage());
  }

  @Test
  void queueLimitsAreByteSizesWithAQuarterOfTheHeapByDefault(@TempDir Path dir) {
    var o = parse(dir);
    assertEquals(4L << 20, o.queueLimits().perSourceBytes());
    assertEquals(Runtime.getRuntime().maxMemory() / 4, o.queueLimits().budgetBytes());
    var set = parse(dir, "--relay-queue-per-source", "8m", "--relay-queue-memory", "1g");
    assertEquals(8L << 20, set.queueLimits().perSourceBytes());
    assertEquals(1L << 30, set.queueLimits().budgetBytes());
    var tooSmall =
        assertThrows(ConfigException.class, () -> parse(dir, "--relay-queue-per-source", "1k"));
    assertTrue(tooSmall.getMessage().contains("--relay-queue-per-source"), tooSmall.getMessage());
    var belowOneSource =
        assertThrows(ConfigException.class, () -> parse(dir, "--relay-queue-memory", "1m"));
    assertTrue(
        belowOneSource.getMessage().contains("--relay-queue-memory"), belowOneSource.getMessage());
  }
}
