package dev.trellis.e2e.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An exit node end to end: the exit device has a second interface onto an "internet" network with a
 * plain host; the client device has a LAN of its own with a plain host, and no route to the
 * internet network. Once the client chooses the approved exit node, a TCP connection to the
 * internet host works and the host sees the exit node's address; the client's LAN is reachable only
 * with LAN access allowed (otherwise that traffic goes to the exit node too, which cannot reach
 * it); the client stays connected to the control plane throughout (its own traffic to the server
 * never enters the tunnel); clearing the exit node cuts the internet off again.
 */
@RootTest
@IntegrationTest
class ExitNodeTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void trafficLeavesThroughTheChosenExitNodeUntilItIsCleared() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "ex-" + lab.tag, List.of());
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      Site internet = Site.build(lab, "203.0.113");
      Site home = Site.build(lab, "172.31.60");
      String exitNs = lab.device();
      String exitWan = internet.attach(exitNs, "wan1", 1);
      String clientNs = lab.device();
      String clientLan = home.attach(clientNs, "lan0", 1);
      AgentUnderTest exit = AgentUnderTest.start(lab, exitNs, "exit");
      AgentUnderTest client = AgentUnderTest.start(lab, clientNs, "client");
      exit.up(server.loginServer(), key, "--advertise-exit-node").requireOk("exit up");
      client.up(server.loginServer(), key).requireOk("client up");
      client.await("sees the exit node", s -> s.peers().size() == 1, 20_000);
      String id = server.nodeId("default", "exit");
      Routes.await(
          "exit routes advertised",
          () -> Routes.list(server, id, "advertised").containsAll(List.of("0.0.0.0/0", "::/0")),
          15_000);
      Routes.approve(server, id, "0.0.0.0/0", "::/0");
      Routes.await(
          "exit node in force",
          () -> Routes.list(server, id, "inForce").contains("0.0.0.0/0"),
          10_000);
      assertNull(TcpProbe.peerSeenBy(lab, clientNs, internet.hostIp()), "no exit node chosen yet");
      assertEquals(
          clientLan,
          TcpProbe.awaitPeerSeenBy(lab, clientNs, home.hostIp(), Site.PORT, clientLan, 10_000));

      client.trellis("set", "--exit-node", "exit").requireOk("set exit node");
      Routes.await(
          "the internet host through the exit node",
          () -> exitWan.equals(TcpProbe.peerSeenBy(lab, clientNs, internet.hostIp())),
          20_000);
      assertNull(
          TcpProbe.peerSeenBy(lab, clientNs, home.hostIp()), "LAN reached without LAN access");

      client.trellis("set", "--exit-node-allow-lan-access").requireOk("allow LAN access");
      Routes.await(
          "the LAN directly",
          () -> clientLan.equals(TcpProbe.peerSeenBy(lab, clientNs, home.hostIp())),
          10_000);
      assertEquals(
          exitWan,
          TcpProbe.awaitPeerSeenBy(lab, clientNs, internet.hostIp(), Site.PORT, exitWan, 10_000));
      String ip = exit.ipv4();
      Routes.await("the tunnel still up", () -> client.ping(ip), 10_000);

      client.trellis("set", "--exit-node=").requireOk("clear exit node");
      Routes.await(
          "the internet cut off",
          () -> TcpProbe.peerSeenBy(lab, clientNs, internet.hostIp()) == null,
          10_000);
      assertEquals(
          clientLan,
          TcpProbe.awaitPeerSeenBy(lab, clientNs, home.hostIp(), Site.PORT, clientLan, 10_000));
    }
  }
}
