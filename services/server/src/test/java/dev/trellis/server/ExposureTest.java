package dev.trellis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.port.FreePorts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a running all-in-one server exposes (a separate JVM, as an operator runs it): its startup
 * summary names every address it actually bound (all interfaces said as such), {@code /metrics} is
 * served on its own listener and not on the API port, and everything in the state directory (the
 * embedded broker's event log included) is private to the user it runs as.
 */
class ExposureTest {
  private static final Set<PosixFilePermission> OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  @Test
  void theSummaryNamesWhatIsBoundMetricsAreApartAndTheStateIsPrivate() throws Exception {
    Path state = Files.createTempDirectory("trellis-exposure");
    int http = FreePorts.tcp();
    int metrics = FreePorts.tcp();
    try (ServerProcess server =
        ServerProcess.start(
            state,
            http,
            FreePorts.tcp(),
            "exposure-" + UUID.randomUUID(),
            List.of(
                "--http-host",
                "0.0.0.0",
                "--metrics-listen",
                "127.0.0.1:" + metrics,
                "--relay-port",
                "0",
                "--stun-port",
                "0"))) {
      assertTrue(server.awaitOutput("  stun ", 60), server.output());
      String out = server.output();
      assertTrue(out.contains("listening on http://0.0.0.0:" + http + " (all interfaces)"), out);
      assertTrue(out.contains("metrics  http://127.0.0.1:" + metrics + "/metrics"), out);
      Matcher relay =
          Pattern.compile("relay +tls 0\\.0\\.0\\.0:(\\d+) \\(all interfaces\\)").matcher(out);
      assertTrue(relay.find(), out);
      Matcher stun =
          Pattern.compile("stun +udp 0\\.0\\.0\\.0:(\\d+) \\(all interfaces\\)").matcher(out);
      assertTrue(stun.find(), out);
      assertTrue(
          Pattern.compile("udp-relay +udp 0\\.0\\.0\\.0:3479-3978 \\(all interfaces\\)")
              .matcher(out)
              .find(),
          out);
      // What the summary says is what is bound: the relay port answers on a non-loopback path too.
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(relay.group(1))), 5_000);
      }
      assertTrue(Integer.parseInt(stun.group(1)) > 0, out);

      HttpClient client = HttpClient.newHttpClient();
      var onApi =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, onApi.statusCode(), "no /metrics on the API port");
      var onMetrics =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, onMetrics.statusCode());
      assertTrue(onMetrics.body().contains("trellis_service_up"), "the process's metrics");

      List<String> exposed = new ArrayList<>();
      try (Stream<Path> all = Files.walk(state)) {
        all.forEach(
            p -> {
              try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.stream().anyMatch(OTHERS::contains)) {
                  exposed.add(state.relativize(p) + " " + perms);
                }
              } catch (java.io.IOException e) {
                // removed meanwhile (a Kafka temporary file)
              }
            });
      }
      assertTrue(Files.exists(state.resolve("kafka")), "the embedded broker's log is in the state");
      assertEquals(List.of(), exposed, "state readable by others");
    }
  }
}
