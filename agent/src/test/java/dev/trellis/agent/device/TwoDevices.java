package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.MemoryNetwork;
import dev.trellis.agent.time.TestClock;
import dev.trellis.agent.tun.MemoryTun;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Two whole devices, A (10.0.0.1, fd00::1) and B (10.0.0.2, fd00::2), on a memory network. */
final class TwoDevices implements AutoCloseable {
  final MemoryNetwork net = new MemoryNetwork();
  final TestClock clock = new TestClock();
  final NodePrivateKey keyA = NodePrivateKey.generate();
  final NodePrivateKey keyB = NodePrivateKey.generate();
  final MemoryTun tunA = new MemoryTun("a0");
  final MemoryTun tunB = new MemoryTun("b0");
  final Device a;
  final Device b;
  final Endpoint epA;
  final Endpoint epB;

  TwoDevices(DeviceOptions optsA, DeviceOptions optsB) throws Exception {
    a = new Device(tunA, net.opener(InetAddress.getByName("127.0.0.1")), clock, optsA);
    b = new Device(tunB, net.opener(InetAddress.getByName("127.0.0.2")), clock, optsB);
    a.reconfigure(new DeviceConfig(keyA, 0, List.of()));
    b.reconfigure(new DeviceConfig(keyB, 0, List.of()));
    epA = new Endpoint(InetAddress.getByName("127.0.0.1"), a.listenPort());
    epB = new Endpoint(InetAddress.getByName("127.0.0.2"), b.listenPort());
  }

  TwoDevices() throws Exception {
    this(DeviceOptions.defaults(), DeviceOptions.defaults());
  }

  void configure(PresharedKey pskA, PresharedKey pskB, boolean aKnowsB, boolean bKnowsA)
      throws Exception {
    configure(pskA, pskB, aKnowsB, bKnowsA, Duration.ZERO);
  }

  void configure(
      PresharedKey pskA, PresharedKey pskB, boolean aKnowsB, boolean bKnowsA, Duration keepalive)
      throws Exception {
    configure(pskA, pskB, aKnowsB, bKnowsA, keepalive, keepalive);
  }

  void configure(
      PresharedKey pskA,
      PresharedKey pskB,
      boolean aKnowsB,
      boolean bKnowsA,
      Duration keepalive,
      Duration keepaliveB)
      throws Exception {
    a.reconfigure(
        new DeviceConfig(
            keyA,
            a.listenPort(),
            List.of(
                new PeerConfig(
                    keyB.publicKey(),
                    pskA,
                    List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("fd00::2/128")),
                    aKnowsB ? epB : null,
                    keepalive))));
    b.reconfigure(
        new DeviceConfig(
            keyB,
            b.listenPort(),
            List.of(
                new PeerConfig(
                    keyA.publicKey(),
                    pskB,
                    List.of(IpPrefix.parse("10.0.0.1/32"), IpPrefix.parse("fd00::1/128")),
                    bKnowsA ? epA : null,
                    keepaliveB))));
  }

  Peer peerBOnA() {
    return a.peer(keyB.publicKey());
  }

  Peer peerAOnB() {
    return b.peer(keyA.publicKey());
  }

  @Override
  public void close() {
    a.close();
    b.close();
    tunA.close();
    tunB.close();
  }
}
