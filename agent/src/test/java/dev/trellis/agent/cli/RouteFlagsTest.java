package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.ControlServer;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.agent.localapi.Request;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route flags of {@code trellis up} and {@code trellis set}: checked before anything is sent
 * (errors name the flag), and sent as the request's fields over a real control socket.
 */
class RouteFlagsTest {
  @TempDir Path dir;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private ControlServer server;
  private Path socket;

  private record Run(int status, String out, String err) {}

  @BeforeEach
  void startServer() throws Exception {
    socket = dir.resolve("t.sock");
    server =
        ControlServer.start(
            socket,
            () ->
                new InterfaceStatus(
                    "t0", NodePrivateKey.generate().publicKey(), 1, List.of(), Map.of()),
            (r, out) -> {
              received.add(r);
              out.ok();
            });
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new java.util.ArrayList<>(List.of("trellis", "--socket", socket.toString()));
    all.addAll(List.of(args));
    int status =
        AgentMain.run(
            all,
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void setSendsOnlyTheFlagsGivenWithBareBooleansTrueAndEmptyClearing() {
    Run r =
        run(
            "set",
            "--advertise-routes",
            "192.168.1.0/24,10.0.0.0/8",
            "--accept-routes",
            "--snat-subnet-routes=false",
            "--exit-node=");
    assertEquals(0, r.status(), r.err());
    assertEquals(
        new Request(
            "set",
            Map.of(
                "advertise_routes", "10.0.0.0/8,192.168.1.0/24",
                "accept_routes", "true",
                "snat_subnet_routes", "false",
                "exit_node", "")),
        received.getFirst());
    r = run("set", "--advertise-routes", "");
    assertEquals(0, r.status(), r.err());
    assertEquals(Map.of("advertise_routes", ""), received.get(1).fields());
  }

  @Test
  void upCarriesTheRouteFlagsBesideItsOwn() {
    Run r =
        run(
            "up",
            "--login-server",
            "http://ctl.example",
            "--advertise-exit-node",
            "--exit-node",
            "nas",
            "--exit-node-allow-lan-access=true",
            "--accept-dns");
    assertEquals(0, r.status(), r.err());
    assertEquals(
        Map.of(
            "login_server", "http://ctl.example",
            "advertise_exit_node", "true",
            "exit_node", "nas",
            "exit_node_allow_lan_access", "true",
            "accept_dns", "true"),
        received.getFirst().fields());
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlagAndNothingIsSent() {
    for (List<String> args :
        List.of(
            List.of("set", "--advertise-routes", "10.0.0.1/8"),
            List.of("set", "--advertise-routes", "0.0.0.0/0"),
            List.of("set", "--advertise-routes", "100.64.0.0/24"),
            List.of("up", "--advertise-routes", "fd7a:115c:a1e0::/64"),
            List.of("set", "--advertise-routes", "10.0.0.0"))) {
      Run r = run(args.toArray(String[]::new));
      assertEquals(2, r.status(), args + ": " + r.err());
      assertTrue(r.err().contains("--advertise-routes: "), r.err());
      assertTrue(r.err().contains(args.get(2)), r.err());
    }
    Run r = run("set", "--accept-routes=maybe");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--accept-routes: expected true or false, got 'maybe'"), r.err());
    r = run("set");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("nothing to change"), r.err());
    r = run("set", "--hostname", "x");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("unknown flag --hostname"), r.err());
    assertEquals(List.of(), received);
  }
}
