package dev.trellis.agent.paths.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.UdpBind;
import dev.trellis.agent.paths.MemoryRelay;
import dev.trellis.agent.paths.PathTimings;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.time.SystemClock;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.stun.StunDecoder;
import dev.trellis.proto.stun.StunEncoder;
import dev.trellis.proto.stun.StunResult;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Netcheck over real UDP on loopback from the WireGuard socket of a path layer, against small STUN
 * responders: one per region, one of them able to shift the port it reports as an
 * endpoint-dependent NAT would.
 */
class NetcheckTest {
  private final List<DatagramSocket> servers = new ArrayList<>();
  private Paths paths;
  private Bind bind;

  private int responder(int portShift) throws Exception {
    DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    servers.add(s);
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buf = new byte[1500];
              while (!s.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  s.receive(p);
                  if (StunDecoder.decode(buf, 0, p.getLength())
                      instanceof StunResult.BindingRequest req) {
                    byte[] r =
                        StunEncoder.bindingSuccess(
                            req.transactionId(),
                            new InetSocketAddress(p.getAddress(), p.getPort() + portShift));
                    s.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                  }
                } catch (Exception e) {
                  return;
                }
              }
            });
    return s.getLocalPort();
  }

  private static RelayRegion region(int id, String code, int stunPort) {
    return RelayRegion.newBuilder()
        .setRegionId(id)
        .setRegionCode(code)
        .addNodes(
            RelayNode.newBuilder()
                .setName(code + "-1")
                .setRegionId(id)
                .setIpv4("127.0.0.1")
                .setRelayPort(1)
                .setStunPort(stunPort))
        .build();
  }

  private void open() throws Exception {
    paths =
        new Paths(
            DiscoPrivateKey.generate(),
            SystemClock.INSTANCE,
            new MemoryRelay(1, "x").attach(NodePrivateKey.generate().publicKey()),
            PathTimings.defaults());
    bind = paths.opener(UdpBind::open).open(0);
  }

  @AfterEach
  void close() {
    servers.forEach(DatagramSocket::close);
    if (paths != null) {
      paths.close();
    }
  }

  @Test
  void anEasyMappingIsTheSameTowardEveryServer() throws Exception {
    open();
    RelayMap map =
        RelayMap.newBuilder()
            .putRegions(1, region(1, "one", responder(0)))
            .putRegions(2, region(2, "two", responder(0)))
            .build();
    NetcheckReport r = Netcheck.run(map, paths::stun, Duration.ofSeconds(2));
    assertTrue(r.udp());
    assertEquals(
        List.of(new Endpoint(InetAddress.getLoopbackAddress(), bind.port())), r.publicEndpoints());
    assertFalse(r.mappingVariesByDestination());
    assertEquals(2, r.latency().size());
    assertTrue(r.preferredRegion() == 1 || r.preferredRegion() == 2);
  }

  @Test
  void aHardNatShowsAsAMappingThatVaries() throws Exception {
    open();
    RelayMap map =
        RelayMap.newBuilder()
            .putRegions(1, region(1, "one", responder(0)))
            .putRegions(2, region(2, "two", responder(7)))
            .build();
    NetcheckReport r = Netcheck.run(map, paths::stun, Duration.ofSeconds(2));
    assertTrue(r.mappingVariesByDestination());
    assertEquals(2, r.publicEndpoints().size());
  }

  @Test
  void withNoAnswerUdpIsReportedBrokenAndAHomeIsStillChosen() throws Exception {
    open();
    DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    servers.add(silent);
    RelayMap map =
        RelayMap.newBuilder().putRegions(3, region(3, "three", silent.getLocalPort())).build();
    NetcheckReport r = Netcheck.run(map, paths::stun, Duration.ofMillis(300));
    assertFalse(r.udp());
    assertNull(r.mappingVariesByDestination());
    assertEquals(3, r.preferredRegion());
  }
}
