package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.trellis.agent.controlclient.TestCoordinator;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A real daemon in a network namespace with the scripted coordinator: the route flags of {@code up}
 * and {@code set} reach the coordinator as host info (a change at once, on the open stream), the
 * router's nftables table and table 52 with its rules follow the netmap and the preferences, an
 * unknown exit node is refused, {@code down} removes everything and a restart after a crash removes
 * what the crashed daemon left.
 */
@RootTest
@IntegrationTest
class RoutesNetnsTest {
  private static final int FORWARD_PORT = 18081;
  private static final String SERVER = "http://127.0.0.1:" + FORWARD_PORT;

  private NetnsLab lab;
  private Path sock;
  private String tun;

  private List<String> java(String main, String... args) {
    List<String> cmd = NetnsLab.java(lab.nsA);
    cmd.add(main);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Process daemon(String log) throws IOException {
    Process p =
        lab.start(
            java(
                "dev.trellis.agent.cli.AgentMain",
                "trellisd",
                "--state-dir",
                lab.dir.resolve("state").toString(),
                "--socket",
                sock.toString(),
                "--tun",
                tun),
            lab.dir.resolve(log + ".log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(sock)) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, lab.log(log));
      NetnsLab.sleep(50);
    }
    return p;
  }

  /** Runs {@code trellis ARGS} to its end; returns its exit status (output in {@code log}). */
  private int trellis(String log, String... args) throws Exception {
    List<String> cmd =
        java("dev.trellis.agent.cli.AgentMain", "trellis", "--socket", sock.toString());
    cmd.addAll(List.of(args));
    Process p = lab.start(cmd, lab.dir.resolve(log + ".log"));
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), log);
    return p.exitValue();
  }

  private Process trellisAsync(String log, String... args) throws IOException {
    List<String> cmd =
        java("dev.trellis.agent.cli.AgentMain", "trellis", "--socket", sock.toString());
    cmd.addAll(List.of(args));
    return lab.start(cmd, lab.dir.resolve(log + ".log"));
  }

  private String in(String... cmd) throws IOException {
    return lab.exec(lab.nsA, cmd);
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      NetnsLab.sleep(100);
    }
  }

  private boolean nftTable() {
    return lab.succeeds(lab.nsA, "nft", "list", "table", "inet", "trellis_route_" + tun);
  }

  private String table52() {
    try {
      return lab.succeeds(lab.nsA, "ip", "-4", "route", "show", "table", "52")
          ? in("ip", "-4", "route", "show", "table", "52")
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  private String rules4() {
    try {
      return in("ip", "-4", "rule");
    } catch (IOException e) {
      return "";
    }
  }

  private boolean nothingInstalled() {
    try {
      return !nftTable() && table52().isEmpty() && !in("ip", "-4", "rule").contains("5270:");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void flagsReachTheCoordinatorAndTheKernelFollows() throws Exception {
    NetnsLab.requireTools("ip", "nft");
    try (NetnsLab l = new NetnsLab();
        TestCoordinator coord = new TestCoordinator(l.dir.resolve("coord.sock"))) {
      lab = l;
      sock = lab.dir.resolve("a.sock");
      tun = "trt" + lab.tag;
      lab.start(
          java(
              "dev.trellis.agent.controlclient.TcpToUnix",
              Integer.toString(FORWARD_PORT),
              lab.dir.resolve("coord.sock").toString()),
          lab.dir.resolve("fwd.log"));
      Process daemon = daemon("a");

      Process up =
          trellisAsync(
              "up",
              "up",
              "--login-server",
              SERVER,
              "--auth-key",
              "k1",
              "--advertise-routes",
              "192.168.50.0/24",
              "--accept-routes");
      TestCoordinator.Session reg = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest r = reg.next().getRegister();
      assertEquals(List.of("192.168.50.0/24"), r.getHostInfo().getRoutableIpsList());
      reg.send(
          ServerMessage.newBuilder()
              .setRegister(
                  RegisterResponse.newBuilder()
                      .setNodeId("a")
                      .addAddresses("100.64.0.1/32")
                      .setMachineAuthorized(true))
              .build());
      TestCoordinator.Session stream = coord.sessions.poll(30, TimeUnit.SECONDS);
      ClientMessage first = stream.next();
      assertEquals(List.of("192.168.50.0/24"), first.getMap().getHostInfo().getRoutableIpsList());
      stream.send(netmap(1, r.getNodeKey()));
      assertTrue(up.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, up.exitValue(), lab.log("up"));

      // a router: the nftables table; a client accepting routes: b's subnet in table 52 and the
      // rules that consult it (installed after the routes, so waited for too)
      await(
          () ->
              nftTable()
                  && table52().contains("10.60.0.0/16 dev " + tun)
                  && rules4().contains("5210:\t")
                  && rules4().contains("5270:\t"),
          lab.log("a"));
      assertTrue(
          in("ip", "-4", "rule").contains("5210:\tfrom all ipproto udp sport 41641 lookup main"));
      assertTrue(in("ip", "-4", "rule").contains("5270:\tfrom all lookup 52"));
      assertFalse(table52().contains("default"), table52());
      assertEquals("1", in("cat", "/proc/sys/net/ipv4/ip_forward").strip());

      // the exit node: refused when unknown or not approved, used when it is one
      assertEquals(1, trellis("set-bad", "set", "--exit-node", "nope"));
      assertTrue(lab.log("set-bad").contains("no peer named 'nope'"), lab.log("set-bad"));
      assertEquals(1, trellis("set-b", "set", "--exit-node", "b"));
      assertTrue(lab.log("set-b").contains("not an approved exit node"), lab.log("set-b"));
      assertEquals(0, trellis("set-gw", "set", "--exit-node", "gw"), lab.log("set-gw"));
      await(() -> table52().contains("default dev " + tun), table52());
      assertTrue(table52().contains("throw 127.0.0.1"), "the control server: " + table52());
      assertEquals(0, trellis("status", "status"));
      assertTrue(lab.log("status").contains("exit node: gw"), lab.log("status"));
      assertTrue(lab.log("status").contains("routes 10.60.0.0/16 (primary)"), lab.log("status"));

      // a new offer reaches the coordinator on the open stream
      assertEquals(
          0,
          trellis("set-routes", "set", "--advertise-routes", "192.168.50.0/24,192.168.51.0/24"),
          lab.log("set-routes"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      List<String> reported = List.of();
      while (!reported.contains("192.168.51.0/24") && System.nanoTime() < deadline) {
        ClientMessage m = stream.next();
        if (m.hasMap() && m.getMap().hasHostInfo()) {
          reported = m.getMap().getHostInfo().getRoutableIpsList();
        }
      }
      assertEquals(List.of("192.168.50.0/24", "192.168.51.0/24"), reported);

      // down takes everything away
      assertEquals(0, trellis("down", "down"), lab.log("down"));
      await(this::nothingInstalled, table52());

      // up again, then a crash: the next daemon removes what it left
      Process up2 = trellisAsync("up2", "up");
      TestCoordinator.Session stream2 = coord.sessions.poll(30, TimeUnit.SECONDS);
      stream2.next();
      stream2.send(netmap(2, r.getNodeKey()));
      assertTrue(up2.waitFor(30, TimeUnit.SECONDS));
      await(() -> nftTable() && table52().contains("default dev " + tun), lab.log("a"));
      daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      assertTrue(nftTable(), "a crash leaves the table behind");
      daemon("a2");
      await(this::nothingInstalled, lab.log("a2"));
    }
  }

  private static ServerMessage netmap(long version, ByteString selfKey) {
    List<String> exit = List.of("0.0.0.0/0", "::/0");
    Node self =
        node("a", selfKey, 1)
            .addApprovedRoutes("192.168.50.0/24")
            .addPrimaryRoutes("192.168.50.0/24")
            .build();
    Node b =
        node("b", key(), 2)
            .addApprovedRoutes("10.60.0.0/16")
            .addPrimaryRoutes("10.60.0.0/16")
            .addAllowedIps("10.60.0.0/16")
            .build();
    Node gw = node("gw", key(), 3).addAllApprovedRoutes(exit).addAllAllowedIps(exit).build();
    return ServerMessage.newBuilder()
        .setMap(
            MapResponse.newBuilder()
                .setFull(FullNetmap.newBuilder().setSelf(self).addPeers(b).addPeers(gw))
                .setNetmapVersion(version))
        .build();
  }

  private static ByteString key() {
    return ByteString.copyFrom(NodePrivateKey.generate().publicKey().toBytes());
  }

  private static Node.Builder node(String id, ByteString nodeKey, int host) {
    return Node.newBuilder()
        .setId(id)
        .setName(id + ".tail.example.")
        .addAddresses("100.64.0." + host + "/32")
        .addAllowedIps("100.64.0." + host + "/32")
        .setNodeKey(nodeKey)
        .setMachineAuthorized(true)
        .setOnline(true);
  }
}
