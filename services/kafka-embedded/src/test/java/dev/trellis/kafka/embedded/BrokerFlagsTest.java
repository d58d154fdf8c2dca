package dev.trellis.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BrokerFlagsTest {

  @Test
  void defaultsListenOnLoopbackAndAdvertiseIt() {
    BrokerFlags f = BrokerFlags.parse(new String[] {"--data-dir", "/tmp/k"}, Map.of());
    assertEquals(new BrokerFlags(Path.of("/tmp/k"), 9092, 9093, "127.0.0.1", "127.0.0.1"), f);
  }

  @Test
  void flagsWinOverEnvironmentAndWildcardAdvertisesLoopback() {
    BrokerFlags f =
        BrokerFlags.parse(
            new String[] {"--port=19092", "--listen-host", "0.0.0.0"},
            Map.of("KAFKA_DATA_DIR", "/data", "KAFKA_PORT", "1", "KAFKA_CONTROLLER_PORT", "19093"));
    assertEquals(new BrokerFlags(Path.of("/data"), 19092, 19093, "0.0.0.0", "127.0.0.1"), f);
    assertEquals(
        "PLAINTEXT://0.0.0.0:19092,CONTROLLER://127.0.0.1:19093",
        f.listenerProperties().get("listeners"));
    assertEquals("PLAINTEXT://127.0.0.1:19092", f.listenerProperties().get("advertised.listeners"));
  }

  @Test
  void badFlagsNameTheFlag() {
    Map<String, List<String>> cases =
        Map.of(
            "--data-dir", List.of(),
            "--port", List.of("--data-dir", "d", "--port", "70000"),
            "--controller-port", List.of("--data-dir", "d", "--controller-port", "x"),
            "--advertised-host", List.of("--data-dir", "d", "--advertised-host", "0.0.0.0"),
            "--listen-host", List.of("--data-dir", "d", "--listen-host", "a b"),
            "unknown flag", List.of("--data-dir", "d", "--bogus", "1"),
            "missing value", List.of("--data-dir"));
    cases.forEach(
        (expected, args) -> {
          var e =
              assertThrows(
                  IllegalArgumentException.class,
                  () -> BrokerFlags.parse(args.toArray(String[]::new), Map.of()));
          assertTrue(e.getMessage().contains(expected), expected + " -> " + e.getMessage());
        });
    var same =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerFlags.parse(
                    new String[] {"--data-dir", "d", "--port", "9000", "--controller-port", "9000"},
                    Map.of()));
    assertTrue(same.getMessage().startsWith("--controller-port"), same.getMessage());
  }

  @Property(tries = 500)
  void anyCommandLineParsesOrNamesTheProblem(@ForAll("commandLines") List<String> args) {
    try {
      BrokerFlags f = BrokerFlags.parse(args.toArray(String[]::new), Map.of());
      assertTrue(f.port() > 0 && f.controllerPort() > 0 && f.port() != f.controllerPort());
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> token =
        Arbitraries.oneOf(
            Arbitraries.of(
                "--data-dir",
                "--port",
                "--controller-port",
                "--listen-host",
                "--advertised-host",
                "--port=",
                "0.0.0.0",
                "9092",
                "-1",
                "99999999999"),
            Arbitraries.strings().ofMaxLength(12));
    return token.list().ofMaxSize(8);
  }
}
