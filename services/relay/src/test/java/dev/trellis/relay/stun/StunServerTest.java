package dev.trellis.relay.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.stun.StunDecoder;
import dev.trellis.proto.stun.StunEncoder;
import dev.trellis.proto.stun.StunMessage;
import dev.trellis.proto.stun.StunResult;
import dev.trellis.proto.stun.TransactionId;
import dev.trellis.relay.forward.RelayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The STUN server on a real dual-stack UDP socket, asked over IPv4 and IPv6 loopback. */
class StunServerTest {
  private RelayMetrics metrics;
  private StunServer server;

  @BeforeEach
  void start() throws Exception {
    metrics = new RelayMetrics(new SimpleMeterRegistry(), "stun-test");
    server = StunServer.start("::", 0, metrics);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersWithTheIpv4SourceAddress() throws Exception {
    assertAnswered("127.0.0.1", false);
  }

  @Test
  void answersWithTheIpv6SourceAddress() throws Exception {
    assertAnswered("::1", true);
  }

  @Test
  void malformedDatagramsAreDroppedAndCounted() throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(300);
      byte[] junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
      s.send(
          new DatagramPacket(junk, junk.length, InetAddress.getByName("127.0.0.1"), server.port()));
      byte[] req = StunEncoder.bindingRequest(TransactionId.of(new byte[12]), true);
      req[req.length - 1] ^= 1; // wrong fingerprint
      s.send(
          new DatagramPacket(req, req.length, InetAddress.getByName("127.0.0.1"), server.port()));
      byte[] in = new byte[512];
      boolean answered = true;
      try {
        s.receive(new DatagramPacket(in, in.length));
      } catch (java.net.SocketTimeoutException e) {
        answered = false;
      }
      assertTrue(!answered, "no answer to garbage");
    }
    assertEquals(1, metrics.drops("stun_not_stun"));
    assertEquals(1, metrics.drops("stun_bad_fingerprint"));
  }

  @Test
  void aFloodFromOneSourceIsAnsweredAtTheRateAndCountedAndOthersStillAreAnswered()
      throws Exception {
    InetAddress local = InetAddress.getByName("127.0.0.1");
    int answered = 0;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(local, 0))) {
      s.setSoTimeout(500);
      for (int i = 0; i < 200; i++) {
        byte[] req = StunEncoder.bindingRequest(TransactionId.of(new byte[12]), false);
        s.send(new DatagramPacket(req, req.length, local, server.port()));
      }
      byte[] in = new byte[512];
      try {
        while (true) {
          s.receive(new DatagramPacket(in, in.length));
          answered++;
        }
      } catch (java.net.SocketTimeoutException e) {
        // no more answers
      }
    }
    assertTrue(
        answered >= StunServer.PER_SOURCE_PER_SECOND
            && answered <= 2 * StunServer.PER_SOURCE_PER_SECOND,
        answered + " answers to a flood of 200");
    assertTrue(metrics.drops("stun_rate_limited") >= 200 - answered - 1);
    assertAnswered("::1", false); // another source is not affected
  }

  @Test
  void theRateRefillsPerSecondPerSource() throws Exception {
    long[] now = {0};
    SourceRate rate = new SourceRate(10, () -> now[0]);
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    int allowed = 0;
    for (int i = 0; i < 50; i++) {
      allowed += rate.allow(a) ? 1 : 0;
    }
    assertEquals(10, allowed);
    assertTrue(rate.allow(b));
    now[0] += 500_000_000L; // half a second: half the tokens back
    allowed = 0;
    for (int i = 0; i < 50; i++) {
      allowed += rate.allow(a) ? 1 : 0;
    }
    assertEquals(5, allowed);
  }

  private void assertAnswered(String host, boolean fingerprint) throws Exception {
    InetAddress local = InetAddress.getByName(host);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(local, 0))) {
      s.setSoTimeout(3000);
      byte[] txid = new byte[12];
      new SecureRandom().nextBytes(txid);
      byte[] req = StunEncoder.bindingRequest(TransactionId.of(txid), fingerprint);
      s.send(new DatagramPacket(req, req.length, local, server.port()));
      byte[] in = new byte[512];
      DatagramPacket p = new DatagramPacket(in, in.length);
      s.receive(p);
      var r =
          assertInstanceOf(
              StunResult.BindingResponse.class,
              StunDecoder.decode(in, 0, p.getLength()),
              "a binding success with XOR-MAPPED-ADDRESS");
      assertArrayEquals(txid, r.transactionId().toBytes());
      // the XOR-MAPPED-ADDRESS attribute comes first
      assertEquals(
          StunMessage.ATTR_XOR_MAPPED_ADDRESS,
          (in[StunMessage.HEADER] & 0xff) << 8 | (in[StunMessage.HEADER + 1] & 0xff));
      InetSocketAddress mapped = r.mapped();
      assertEquals(local, mapped.getAddress());
      assertEquals(s.getLocalPort(), mapped.getPort());
    }
  }
}
