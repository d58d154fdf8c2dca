package dev.trellis.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  private static String error(String[] args, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> Settings.parse(args, env)).getMessage();
  }

  @Test
  void defaultsApplyWhenNothingIsGiven() {
    Settings s = Settings.parse(new String[0], Map.of());
    assertEquals(8080, s.httpPort());
    assertEquals("trellis", s.hazelcastCluster());
    assertEquals("127.0.0.1", s.hazelcastInterface());
    assertEquals(List.of(), s.hazelcastMembers());
    assertEquals(LogFormat.TEXT, s.logFormat());
    assertEquals(1024L * 1024, s.httpMaxBodyBytes());
    assertEquals(FlagValues.Source.DEFAULT, s.values().source(Settings.HTTP_PORT));
  }

  @Test
  void flagsWinOverEnvironment() {
    Settings s =
        Settings.parse(
            new String[] {"--http-port", "9000", "--log-format=json"},
            Map.of("TRELLIS_HTTP_PORT", "7000", "TRELLIS_HAZELCAST_CLUSTER", "prod"));
    assertEquals(9000, s.httpPort());
    assertEquals(FlagValues.Source.FLAG, s.values().source(Settings.HTTP_PORT));
    assertEquals("prod", s.hazelcastCluster());
    assertEquals(FlagValues.Source.ENV, s.values().source(Settings.HAZELCAST_CLUSTER));
    assertEquals(LogFormat.JSON, s.logFormat());
  }

  @Test
  void listsDurationsAndSizesParse() {
    Settings s =
        Settings.parse(
            new String[] {
              "--hazelcast-members", "10.0.0.1, 10.0.0.2:5801,[fd00::1]:5702",
              "--kafka-bootstrap", "k1:9093,k2",
              "--hazelcast-join-timeout", "500ms",
              "--http-max-body", "64k"
            },
            Map.of());
    assertEquals(
        List.of(
            new HostPort("10.0.0.1", 5701),
            new HostPort("10.0.0.2", 5801),
            new HostPort("fd00::1", 5702)),
        s.hazelcastMembers());
    assertEquals("k1:9093,k2:9092", s.kafkaBootstrapServers());
    assertEquals(Duration.ofMillis(500), s.hazelcastJoinTimeout());
    assertEquals(64 * 1024L, s.httpMaxBodyBytes());
    assertEquals("[fd00::1]:5702", s.hazelcastMembers().get(2).toString());
  }

  @Test
  void badPortNamesTheFlagAndTheProblem() {
    assertEquals(
        "--http-port: 'abc' is not a port number (0-65535)",
        error(new String[] {"--http-port", "abc"}, Map.of()));
    assertEquals(
        "--http-port: '70000' is not a port number (0-65535)",
        error(new String[] {"--http-port=70000"}, Map.of()));
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    assertEquals(
        "TRELLIS_HTTP_PORT (environment): '-1' is not a port number (0-65535)",
        error(new String[0], Map.of("TRELLIS_HTTP_PORT", "-1")));
    assertTrue(
        error(new String[0], Map.of("TRELLIS_LOG_FORMAT", "xml"))
            .startsWith("TRELLIS_LOG_FORMAT (environment): 'xml' is not one of text, json"));
  }

  @Test
  void unknownRepeatedMissingAndPositionalAreRejected() {
    assertEquals(
        "--http-prot: unknown flag (see --help)",
        error(new String[] {"--http-prot", "1"}, Map.of()));
    assertEquals(
        "--http-port: given more than once",
        error(new String[] {"--http-port", "1", "--http-port", "2"}, Map.of()));
    assertEquals("--http-port: missing value", error(new String[] {"--http-port"}, Map.of()));
    assertTrue(error(new String[] {"serve"}, Map.of()).startsWith("unexpected argument 'serve'"));
  }

  @Test
  void badMemberListsAndDurationsAreExplained() {
    assertTrue(
        error(new String[] {"--hazelcast-members", "a,,b"}, Map.of())
            .startsWith("--hazelcast-members: an entry of the list is empty"));
    assertTrue(
        error(new String[] {"--hazelcast-members", "fd00::1"}, Map.of())
            .contains("write IPv6 addresses in brackets"));
    assertTrue(
        error(new String[] {"--hazelcast-members", "h:x"}, Map.of()).contains("bad port 'x'"));
    assertTrue(
        error(new String[] {"--hazelcast-join-timeout", "10"}, Map.of())
            .startsWith("--hazelcast-join-timeout: '10' is not a duration"));
    assertTrue(
        error(new String[] {"--hazelcast-config", "/nonexistent/hz.yaml"}, Map.of())
            .contains("is not an existing file"));
  }

  @Test
  void extraFlagsOfAProcessAreParsedAndListedInUsage() {
    Flag<Boolean> dev = Flag.of("--dev-mode", "TRELLIS_DEV_MODE", ValueType.bool(), "false", "x");
    Settings s = Settings.parse("svc", new String[] {"--dev-mode"}, Map.of(), List.of(dev));
    assertTrue(s.values().get(dev));
    String usage = Settings.flagSet("svc", List.of(dev)).usage();
    assertTrue(usage.startsWith("Usage: svc [flags]"));
    assertTrue(usage.contains("--http-port <value>"));
    assertTrue(usage.contains("env TRELLIS_HTTP_PORT; default 8080"));
    assertTrue(usage.contains("--dev-mode\n"));
    assertTrue(FlagSet.helpRequested(new String[] {"--http-port", "1", "--help"}));
  }

  @Test
  void requiredFlagWithoutValueIsReported() {
    Flag<String> token = Flag.of("--token-file", "TOKEN_FILE", ValueType.token(), null, "Token.");
    FlagSet set = FlagSet.of("x", List.of(token));
    assertEquals(
        "--token-file: required (or set TOKEN_FILE) — Token.",
        assertThrows(ConfigException.class, () -> set.parse(new String[0], Map.of())).getMessage());
  }

  @Test
  void stateDirectoryCheckNamesTheProblem(@TempDir Path tmp) throws Exception {
    assertEquals(tmp.toAbsolutePath(), StateDirectory.check(tmp));
    Path missing = tmp.resolve("missing");
    String m =
        assertThrows(ConfigException.class, () -> StateDirectory.check(missing)).getMessage();
    assertTrue(m.contains(missing.toString()) && m.contains("does not exist"), m);
    assertTrue(m.contains("--state-dir"), m);
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertTrue(
        assertThrows(ConfigException.class, () -> StateDirectory.check(file))
            .getMessage()
            .contains("is not a directory"));
  }
}
