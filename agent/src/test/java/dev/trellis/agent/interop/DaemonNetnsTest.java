package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.controlclient.TestCoordinator;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.control.v1.PeersRemoved;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two real {@code trellisd} daemons, each in its own network namespace with a real TUN, driven by
 * the real {@code trellis} CLI, against a coordinator stand-in (the real shared-proto Noise
 * responder over a WebSocket, reached through a Unix-socket forwarder) that the test scripts:
 * register with an auth key, refuse a bad one, stream a full netmap and a delta. The daemons must
 * configure WireGuard and the TUN from the netmap so that the two ping over their 100.x addresses,
 * and stop reaching a peer the netmap removes.
 */
@RootTest
@IntegrationTest
class DaemonNetnsTest {
  /** What the coordinator sends under the default policy: everyone may reach this node. */
  private static final PacketFilter ALLOW_ALL =
      PacketFilter.newBuilder()
          .addRules(
              FilterRule.newBuilder()
                  .addSrcPrefixes("*")
                  .addDestinations(DestinationPorts.newBuilder().setPrefix("*")))
          .build();

  private static final int FORWARD_PORT = 18080;
  private static final String SERVER = "http://127.0.0.1:" + FORWARD_PORT;

  private record Result(int status, String out) {}

  private static Result cli(String ns, Path sock, String... args) throws Exception {
    List<String> cmd = NetnsLab.java(ns);
    cmd.addAll(List.of("dev.trellis.agent.cli.AgentMain", "trellis", "--socket", sock.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  private static Path daemon(NetnsLab lab, String ns, String name) throws IOException {
    Path sock = lab.dir.resolve(name + ".sock");
    List<String> cmd = NetnsLab.java(ns);
    cmd.addAll(
        List.of(
            "dev.trellis.agent.cli.AgentMain",
            "trellisd",
            "--state-dir",
            lab.dir.resolve(name + "-state").toString(),
            "--socket",
            sock.toString(),
            "--tun",
            "tl" + name + lab.tag,
            "--port",
            "41641"));
    Process p = lab.start(cmd, lab.dir.resolve(name + ".log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(sock)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("trellisd did not come up: " + lab.log(name));
      }
      NetnsLab.sleep(50);
    }
    return sock;
  }

  private static Node node(String id, RegisterRequest r, int host, List<Endpoint> endpoints) {
    return Node.newBuilder()
        .setId(id)
        .setName(r.getHostInfo().getHostname() + ".tail.example.")
        .addAddresses("100.64.0." + host + "/32")
        .addAddresses("fd7a:115c:a1e0::" + host + "/128")
        .addAllowedIps("100.64.0." + host + "/32")
        .addAllowedIps("fd7a:115c:a1e0::" + host + "/128")
        .setNodeKey(r.getNodeKey())
        .setMachineKey(r.getMachineKey())
        .setDiscoKey(r.getDiscoKey())
        .addAllEndpoints(endpoints)
        .setOnline(true)
        .setMachineAuthorized(true)
        .build();
  }

  private static ServerMessage registered(String id, int host) {
    return ServerMessage.newBuilder()
        .setRegister(
            RegisterResponse.newBuilder()
                .setNodeId(id)
                .addAddresses("100.64.0." + host + "/32")
                .setMachineAuthorized(true)
                .setNodeName(id + ".tail.example."))
        .build();
  }

  private static ServerMessage map(MapResponse r) {
    return ServerMessage.newBuilder().setMap(r).build();
  }

  @Test
  void twoDaemonsJoinPingAndFollowTheNetmap() throws Exception {
    NetnsLab.requireTools("ip", "ping");
    try (NetnsLab lab = new NetnsLab();
        TestCoordinator coord = new TestCoordinator(lab.dir.resolve("coord.sock"))) {
      for (String ns : List.of(lab.nsA, lab.nsB)) {
        List<String> fwd = NetnsLab.java(ns);
        fwd.addAll(
            List.of(
                "dev.trellis.agent.controlclient.TcpToUnix",
                Integer.toString(FORWARD_PORT),
                lab.dir.resolve("coord.sock").toString()));
        lab.start(fwd, lab.dir.resolve("fwd-" + ns + ".log"));
      }
      Path sockA = daemon(lab, lab.nsA, "a");
      Path sockB = daemon(lab, lab.nsB, "b");
      Result fresh = cli(lab.nsA, sockA, "status", "--json");
      assertTrue(fresh.out().contains("\"state\":\"NeedsLogin\""), fresh.out());

      // a refused key: exit 1 with the code and message
      Process refused =
          lab.start(
              withCli(lab.nsB, sockB, "up", "--login-server", SERVER, "--auth-key", "tskey-bad"),
              lab.dir.resolve("up-refused.log"));
      TestCoordinator.Session r0 = coord.sessions.poll(60, TimeUnit.SECONDS);
      assertEquals("tskey-bad", r0.next().getRegister().getAuthKey());
      r0.send(
          ServerMessage.newBuilder()
              .setRegister(
                  RegisterResponse.newBuilder()
                      .setErrorCode("AUTH_KEY_UNKNOWN")
                      .setErrorMessage("no such auth key"))
              .build());
      assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
      assertEquals(1, refused.exitValue(), lab.log("up-refused"));
      assertTrue(
          lab.log("up-refused").contains("AUTH_KEY_UNKNOWN: no such auth key"),
          lab.log("up-refused"));

      // A joins with an auth key from a file
      Path keyFile = lab.dir.resolve("authkey");
      Files.writeString(keyFile, "tskey-good\n");
      Process upA =
          lab.start(
              withCli(
                  lab.nsA,
                  sockA,
                  "up",
                  "--login-server",
                  SERVER,
                  "--auth-key",
                  "file:" + keyFile,
                  "--hostname",
                  "alpha"),
              lab.dir.resolve("up-a.log"));
      TestCoordinator.Session regA = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest ra = regA.next().getRegister();
      assertEquals("tskey-good", ra.getAuthKey());
      assertEquals("alpha", ra.getHostInfo().getHostname());
      assertEquals("linux", ra.getHostInfo().getOs());
      assertEquals(regA.machineKey().toBytes().length, ra.getMachineKey().size());
      assertTrue(
          java.util.Arrays.equals(regA.machineKey().toBytes(), ra.getMachineKey().toByteArray()));
      regA.send(registered("a", 1));
      TestCoordinator.Session mapA = coord.sessions.poll(30, TimeUnit.SECONDS);
      MapRequest ma = mapA.next().getMap();
      assertTrue(ma.getStream());
      assertEquals(ra.getNodeKey(), ma.getNodeKey());
      assertTrue(
          ma.getEndpointsList().stream()
              .anyMatch(e -> e.getAddress().equals(lab.underlayA + ":41641")),
          ma.toString());

      Process upB =
          lab.start(
              withCli(
                  lab.nsB,
                  sockB,
                  "up",
                  "--login-server",
                  SERVER,
                  "--auth-key",
                  "tskey-good",
                  "--hostname",
                  "beta"),
              lab.dir.resolve("up-b.log"));
      TestCoordinator.Session regB = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest rb = regB.next().getRegister();
      regB.send(registered("b", 2));
      TestCoordinator.Session mapB = coord.sessions.poll(30, TimeUnit.SECONDS);
      MapRequest mb = mapB.next().getMap();
      assertTrue(cli(lab.nsA, sockA, "status", "--json").out().contains("\"state\":\"Starting\""));

      // A is owned by its tag, B by a user whose profile comes with A's netmap
      Node a = node("a", ra, 1, ma.getEndpointsList()).toBuilder().addTags("tag:lab").build();
      Node b = node("b", rb, 2, mb.getEndpointsList()).toBuilder().setUserId("u-bob").build();
      mapA.send(
          map(
              MapResponse.newBuilder()
                  .setFull(
                      FullNetmap.newBuilder()
                          .setSelf(a)
                          .addPeers(b)
                          .setPacketFilter(ALLOW_ALL)
                          .addUserProfiles(
                              UserProfile.newBuilder()
                                  .setUserId("u-bob")
                                  .setLoginName("bob@example.com")))
                  .setNetmapVersion(1)
                  .build()));
      mapB.send(
          map(
              MapResponse.newBuilder()
                  .setFull(
                      FullNetmap.newBuilder().setSelf(b).addPeers(a).setPacketFilter(ALLOW_ALL))
                  .setNetmapVersion(1)
                  .build()));
      assertTrue(upA.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, upA.exitValue(), lab.log("up-a"));
      assertTrue(lab.log("up-a").contains("state: Running"), lab.log("up-a"));
      assertTrue(upB.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, upB.exitValue(), lab.log("up-b"));

      assertTrue(pings(lab, lab.nsA, "100.64.0.2", 10), "A pings B over the tunnel");
      assertTrue(pings(lab, lab.nsB, "fd7a:115c:a1e0::1", 5), "B pings A over IPv6");
      Result ip = cli(lab.nsA, sockA, "ip", "-4");
      assertEquals(0, ip.status(), ip.out());
      assertEquals("100.64.0.1", ip.out().strip());
      Result json = cli(lab.nsA, sockA, "status", "--json");
      assertTrue(json.out().contains("\"state\":\"Running\""), json.out());
      assertTrue(json.out().contains("\"name\":\"beta.tail.example\""), json.out());
      assertTrue(json.out().contains("\"connection\":\"direct\""), json.out());
      assertTrue(json.out().contains("\"endpoint\":\"" + lab.underlayB + ":41641\""), json.out());
      Result wg = cli(lab.nsA, sockA, "wg", "show", "--socket", sockA.toString());
      assertEquals(0, wg.status(), wg.out());
      assertTrue(wg.out().contains("endpoint: " + lab.underlayB + ":41641"), wg.out());
      assertFalse(wg.out().contains("[100::"), "no virtual endpoint: " + wg.out());
      Result text = cli(lab.nsA, sockA, "status");
      assertTrue(
          text.out().contains("100.64.0.2")
              && text.out().contains("active; direct " + lab.underlayB + ":41641"),
          text.out());
      // each line names the owner: the user's login for B, the tag for A itself
      assertTrue(
          text.out()
              .lines()
              .anyMatch(l -> l.startsWith("100.64.0.2 ") && l.contains(" bob@example.com ")),
          text.out());
      assertTrue(
          text.out().lines().anyMatch(l -> l.startsWith("100.64.0.1 ") && l.contains(" tag:lab ")),
          text.out());
      assertTrue(json.out().contains("\"owner\":\"bob@example.com\""), json.out());

      // a delta removes B from A's netmap: its traffic stops
      mapA.send(
          map(
              MapResponse.newBuilder()
                  .setPeersRemoved(PeersRemoved.newBuilder().addNodeIds("b"))
                  .setNetmapVersion(2)
                  .build()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (cli(lab.nsA, sockA, "status", "--json").out().contains("beta")
          && System.nanoTime() < deadline) {
        NetnsLab.sleep(100);
      }
      assertFalse(cli(lab.nsA, sockA, "status", "--json").out().contains("beta"));
      assertFalse(pings(lab, lab.nsA, "100.64.0.2", 1), "no traffic to a removed peer");
      // the daemon's log told each change in one line: the peer, its direct path, its removal
      String logA = lab.log("a");
      assertTrue(logA.contains("trellisd: peer added: \"beta.tail.example\" 100.64.0.2\n"), logA);
      assertTrue(
          logA.contains("trellisd: path \"beta.tail.example\": direct " + lab.underlayB + ":41641"),
          logA);
      assertTrue(logA.contains("trellisd: peer removed: \"beta.tail.example\" 100.64.0.2\n"), logA);

      // down: stream closed, tunnel stopped, keys kept
      Result down = cli(lab.nsA, sockA, "down");
      assertEquals(0, down.status(), down.out());
      assertTrue(cli(lab.nsA, sockA, "status", "--json").out().contains("\"state\":\"Stopped\""));
      assertTrue(mapA.ended || waitEnded(mapA), "the map stream is closed");
      String state = Files.readString(lab.dir.resolve("a-state/state.conf"));
      assertTrue(
          state.contains("node_id=a") && state.contains("want_running=false"), "registration kept");
    }
  }

  @Test
  void lifecycleDownUpRestartReauthForceReauthLogoutAndACorruptState() throws Exception {
    NetnsLab.requireTools("ip");
    try (NetnsLab lab = new NetnsLab();
        TestCoordinator coord = new TestCoordinator(lab.dir.resolve("coord.sock"))) {
      List<String> fwd = NetnsLab.java(lab.nsA);
      fwd.addAll(
          List.of(
              "dev.trellis.agent.controlclient.TcpToUnix",
              Integer.toString(FORWARD_PORT),
              lab.dir.resolve("coord.sock").toString()));
      lab.start(fwd, lab.dir.resolve("fwd.log"));
      Path sock = daemon(lab, lab.nsA, "a");
      Process daemon = lab.processes().get(lab.processes().size() - 1);

      Process up =
          lab.start(
              withCli(lab.nsA, sock, "up", "--login-server", SERVER, "--auth-key", "k1"),
              lab.dir.resolve("up1.log"));
      TestCoordinator.Session reg = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest first = reg.next().getRegister();
      reg.send(registered("a", 1));
      TestCoordinator.Session m1 = coord.sessions.poll(30, TimeUnit.SECONDS);
      m1.next();
      m1.send(full(first, 1));
      assertTrue(up.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, up.exitValue(), lab.log("up1"));

      // down, then up without a key: no registration, straight back to the map stream
      assertEquals(0, cli(lab.nsA, sock, "down").status());
      assertTrue(waitEnded(m1), "down closes the stream");
      up = lab.start(withCli(lab.nsA, sock, "up"), lab.dir.resolve("up2.log"));
      TestCoordinator.Session m2 = coord.sessions.poll(60, TimeUnit.SECONDS);
      assertTrue(m2.next().hasMap(), "reconnects without registering again");
      m2.send(full(first, 2));
      assertTrue(up.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, up.exitValue(), lab.log("up2"));

      // restart: the daemon reconnects by itself (a fresh stream: the netmap is not persisted)
      daemon.destroy();
      assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
      assertTrue(waitEnded(m2));
      Files.delete(lab.dir.resolve("a.log"));
      sock = daemon(lab, lab.nsA, "a");
      daemon = lab.processes().get(lab.processes().size() - 1);
      TestCoordinator.Session m3 = coord.sessions.poll(60, TimeUnit.SECONDS);
      MapRequest again = m3.next().getMap();
      assertTrue(again.getStream());
      assertEquals(first.getNodeKey(), again.getNodeKey(), "keys survive a restart");
      m3.send(full(first, 3));
      assertTrue(waitState(lab, sock, "Running"), cli(lab.nsA, sock, "status").out());

      // reauth required: traffic stops, status says why, no reconnect
      m3.send(
          map(
              MapResponse.newBuilder()
                  .setReauthRequired(
                      dev.trellis.proto.control.v1.ReauthRequired.newBuilder()
                          .setReasonCode("NODE_KEY_EXPIRED")
                          .setMessage("the node key expired"))
                  .build()));
      assertTrue(waitState(lab, sock, "NeedsLogin"));
      assertTrue(cli(lab.nsA, sock, "status").out().contains("NODE_KEY_EXPIRED"));
      assertEquals(null, coord.sessions.poll(2, TimeUnit.SECONDS));

      // force-reauth rotates the node key and names the old one
      up = lab.start(withCli(lab.nsA, sock, "up", "--force-reauth"), lab.dir.resolve("up3.log"));
      TestCoordinator.Session reg2 = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest rotated = reg2.next().getRegister();
      assertEquals(first.getNodeKey(), rotated.getOldNodeKey());
      assertFalse(first.getNodeKey().equals(rotated.getNodeKey()));
      assertEquals(first.getMachineKey(), rotated.getMachineKey());
      reg2.send(registered("a", 1));
      TestCoordinator.Session m4 = coord.sessions.poll(30, TimeUnit.SECONDS);
      assertEquals(rotated.getNodeKey(), m4.next().getMap().getNodeKey());
      m4.send(full(rotated, 4));
      assertTrue(up.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, up.exitValue(), lab.log("up3"));

      // logout tells the server and forgets the registration
      Process logout = lab.start(withCli(lab.nsA, sock, "logout"), lab.dir.resolve("logout.log"));
      TestCoordinator.Session reg3 = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest lo = reg3.next().getRegister();
      assertTrue(lo.getLogout());
      assertEquals(rotated.getNodeKey(), lo.getNodeKey());
      reg3.send(registered("a", 1));
      assertTrue(logout.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, logout.exitValue(), lab.log("logout"));
      assertTrue(waitState(lab, sock, "NeedsLogin"));
      assertFalse(Files.readString(lab.dir.resolve("a-state/state.conf")).contains("node_id="));

      // a corrupt state file: the daemon refuses to start and names the file
      daemon.destroy();
      assertTrue(daemon.waitFor(20, TimeUnit.SECONDS));
      Path state = lab.dir.resolve("a-state/state.conf");
      String before = Files.readString(state) + "node_key=privkey:00\n";
      Files.writeString(state, before);
      List<String> cmd = NetnsLab.java(lab.nsA);
      cmd.addAll(
          List.of(
              "dev.trellis.agent.cli.AgentMain",
              "trellisd",
              "--state-dir",
              lab.dir.resolve("a-state").toString(),
              "--socket",
              sock.toString(),
              "--tun",
              "tla" + lab.tag));
      Process bad = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
      assertEquals(1, bad.exitValue(), out);
      assertTrue(out.contains(state.toString()) && out.contains("corrupt"), out);
      assertEquals(before, Files.readString(state), "the corrupt file is left as it was");
    }
  }

  private static ServerMessage full(RegisterRequest r, long version) {
    return map(
        MapResponse.newBuilder()
            .setFull(
                FullNetmap.newBuilder()
                    .setSelf(node("a", r, 1, List.of()))
                    .setPacketFilter(ALLOW_ALL))
            .setNetmapVersion(version)
            .setResumeToken("t" + version)
            .build());
  }

  private static boolean waitState(NetnsLab lab, Path sock, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (cli(lab.nsA, sock, "status", "--json").out().contains("\"state\":\"" + state + "\"")) {
        return true;
      }
      NetnsLab.sleep(200);
    }
    return false;
  }

  private static boolean waitEnded(TestCoordinator.Session s) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!s.ended && System.nanoTime() < deadline) {
      NetnsLab.sleep(50);
    }
    return s.ended;
  }

  private static List<String> withCli(String ns, Path sock, String... args) {
    List<String> cmd = NetnsLab.java(ns);
    cmd.addAll(List.of("dev.trellis.agent.cli.AgentMain", "trellis", "--socket", sock.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static boolean pings(NetnsLab lab, String ns, String target, int tries) {
    for (int i = 0; i < tries; i++) {
      if (lab.succeeds(ns, "ping", "-c", "1", "-W", "1", target)) {
        return true;
      }
    }
    return false;
  }
}
