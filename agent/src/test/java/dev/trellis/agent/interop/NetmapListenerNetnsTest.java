package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.trellis.agent.controlclient.TestCoordinator;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeersRemoved;
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
import org.junit.jupiter.api.Test;

/**
 * A real daemon in a network namespace (real TUN, real CLI, the scripted coordinator of {@link
 * DaemonNetnsTest}) with a netmap listener that prints what it is handed ({@code
 * NetmapPrintingDaemon}): the listener sees the first netmap once {@code up} has applied it, each
 * change (a peer removed, the DNS configuration) once, nothing for a keepalive, and the empty
 * netmap on {@code down}.
 */
@RootTest
@IntegrationTest
class NetmapListenerNetnsTest {
  private static final int FORWARD_PORT = 18080;
  private static final String SERVER = "http://127.0.0.1:" + FORWARD_PORT;
  private static final DnsConfig DNS =
      DnsConfig.newBuilder().setMagicDnsEnabled(true).setMagicDnsSuffix("tail.example").build();

  private static List<String> java(String ns, String main, String... args) {
    List<String> cmd = NetnsLab.java(ns);
    cmd.add(main);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Runs {@code trellis ARGS} against the daemon at {@code sock}; its output goes to {@code log}.
   */
  private static Process trellis(NetnsLab lab, Path sock, String log, String... args)
      throws IOException {
    List<String> cmd =
        java(lab.nsA, "dev.trellis.agent.cli.AgentMain", "trellis", "--socket", sock.toString());
    cmd.addAll(List.of(args));
    return lab.start(cmd, lab.dir.resolve(log + ".log"));
  }

  private static ServerMessage map(MapResponse.Builder frame) {
    return ServerMessage.newBuilder().setMap(frame).build();
  }

  @Test
  void theListenerFollowsTheAppliedNetmap() throws Exception {
    NetnsLab.requireTools("ip");
    try (NetnsLab lab = new NetnsLab();
        TestCoordinator coord = new TestCoordinator(lab.dir.resolve("coord.sock"))) {
      lab.start(
          java(
              lab.nsA,
              "dev.trellis.agent.controlclient.TcpToUnix",
              Integer.toString(FORWARD_PORT),
              lab.dir.resolve("coord.sock").toString()),
          lab.dir.resolve("fwd.log"));
      Path sock = lab.dir.resolve("a.sock");
      Process daemon =
          lab.start(
              java(
                  lab.nsA,
                  "dev.trellis.agent.cli.NetmapPrintingDaemon",
                  "--state-dir",
                  lab.dir.resolve("a-state").toString(),
                  "--socket",
                  sock.toString(),
                  "--tun",
                  "tla" + lab.tag),
              lab.dir.resolve("a.log"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(sock)) {
        assertTrue(daemon.isAlive() && System.nanoTime() < deadline, lab.log("a"));
        NetnsLab.sleep(50);
      }

      Process up = trellis(lab, sock, "up", "up", "--login-server", SERVER, "--auth-key", "k1");
      TestCoordinator.Session reg = coord.sessions.poll(60, TimeUnit.SECONDS);
      RegisterRequest r = reg.next().getRegister();
      reg.send(
          ServerMessage.newBuilder()
              .setRegister(
                  RegisterResponse.newBuilder()
                      .setNodeId("a")
                      .addAddresses("100.64.0.1/32")
                      .setMachineAuthorized(true))
              .build());
      TestCoordinator.Session stream = coord.sessions.poll(30, TimeUnit.SECONDS);
      stream.next();
      stream.send(
          map(
              MapResponse.newBuilder()
                  .setFull(
                      FullNetmap.newBuilder()
                          .setSelf(node("a", r.getNodeKey(), 1))
                          .addPeers(node("b", key(), 2))
                          .addPeers(node("c", key(), 3))
                          .setDns(DNS))
                  .setNetmapVersion(1)));
      assertTrue(up.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, up.exitValue(), lab.log("up"));
      awaitLines(lab, "netmap version=1 self=a peers=b,c dns=tail.example");

      stream.send(
          map(
              MapResponse.newBuilder()
                  .setPeersRemoved(PeersRemoved.newBuilder().addNodeIds("b"))
                  .setNetmapVersion(2)));
      stream.send(
          map(
              MapResponse.newBuilder()
                  .setKeepalive(Keepalive.getDefaultInstance())
                  .setNetmapVersion(2)));
      stream.send(
          map(
              MapResponse.newBuilder()
                  .setDnsConfigChanged(DNS.toBuilder().setMagicDnsSuffix("corp.example"))
                  .setNetmapVersion(3)));
      awaitLines(
          lab,
          "netmap version=1 self=a peers=b,c dns=tail.example",
          "netmap version=2 self=a peers=c dns=tail.example",
          "netmap version=3 self=a peers=c dns=corp.example");

      Process down = trellis(lab, sock, "down", "down");
      assertTrue(down.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, down.exitValue(), lab.log("down"));
      awaitLines(
          lab,
          "netmap version=1 self=a peers=b,c dns=tail.example",
          "netmap version=2 self=a peers=c dns=tail.example",
          "netmap version=3 self=a peers=c dns=corp.example",
          "netmap empty");
    }
  }

  /** Waits until the daemon's printed netmap lines are exactly {@code expected}. */
  private static void awaitLines(NetnsLab lab, String... expected) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> lines = printed(lab);
    while (!lines.equals(List.of(expected)) && System.nanoTime() < deadline) {
      NetnsLab.sleep(100);
      lines = printed(lab);
    }
    assertEquals(List.of(expected), lines, lab.log("a"));
  }

  private static List<String> printed(NetnsLab lab) {
    return lab.log("a").lines().filter(l -> l.startsWith("netmap ")).toList();
  }

  private static ByteString key() {
    return ByteString.copyFrom(NodePrivateKey.generate().publicKey().toBytes());
  }

  private static Node node(String id, ByteString nodeKey, int host) {
    return Node.newBuilder()
        .setId(id)
        .setName(id + ".tail.example.")
        .addAddresses("100.64.0." + host + "/32")
        .addAllowedIps("100.64.0." + host + "/32")
        .setNodeKey(nodeKey)
        .setMachineAuthorized(true)
        .build();
  }
}
