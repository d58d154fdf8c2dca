package dev.trellis.agent.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.agent.netconf.InterfaceAddress;
import dev.trellis.agent.netconf.IpCommand;
import dev.trellis.agent.netconf.LinkSetup;
import dev.trellis.proto.net.IpPrefix;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real kernel TUN device: needs root (or CAP_NET_ADMIN) and /dev/net/tun. */
@RootTest
class LinuxTunTest {
  private final int net = ThreadLocalRandom.current().nextInt(256);
  private final String name = "tt" + ProcessHandle.current().pid() % 100000 + "x" + net;
  private final InetAddress local = addr("10.213." + net + ".1");
  private final InetAddress remote = addr("10.213." + net + ".2");
  private final InetAddress local6 = addr("fd13:" + Integer.toHexString(net) + "::1");
  private final InetAddress remote6 = addr("fd13:" + Integer.toHexString(net) + "::2");
  private LinuxTun tun;

  @BeforeEach
  void requireRoot() {
    assumeTrue(
        "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
        "LinuxTunTest needs root and /dev/net/tun");
  }

  @AfterEach
  void close() throws IOException {
    if (tun != null) {
      tun.close();
    }
    new LinkSetup(new IpCommand()).deleteIfPresent(name);
  }

  private void open(boolean offload) throws IOException {
    tun = LinuxTun.open(name, 1420, offload);
    new LinkSetup(new IpCommand())
        .apply(
            name,
            1420,
            List.of(new InterfaceAddress(local, 24), new InterfaceAddress(local6, 64)),
            List.<IpPrefix>of());
  }

  @Test
  void readsIpv4AndIpv6PacketsTheKernelRoutesIntoTheDevice() throws Exception {
    open(false);
    checkRead(remote, 4);
    checkRead(remote6, 6);
  }

  @Test
  void withOffloadReadsPacketsWithCompleteChecksums() throws Exception {
    open(true);
    assertTrue(tun.offload(), "kernel refused IFF_VNET_HDR/TSO");
    checkRead(remote, 4);
    checkRead(remote6, 6);
  }

  private void checkRead(InetAddress to, int version) throws Exception {
    byte[] payload = ("hello over v" + version).getBytes();
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(to, 9999)));
    }
    byte[][] bufs = new byte[tun.batchSize()][2000];
    int[] sizes = new int[bufs.length];
    // The kernel may first emit its own packets (IPv6 router solicitations, MLD): skip those.
    for (int tries = 0; tries < 20; tries++) {
      int n = tun.read(bufs, sizes, 16);
      for (int i = 0; i < n; i++) {
        byte[] p = Arrays.copyOfRange(bufs[i], 16, 16 + sizes[i]);
        int ipLen = version == 4 ? 20 : 40;
        boolean udp = version == 4 ? p[9] == 17 : p[6] == 17;
        if ((p[0] >> 4) == version && udp && TestPackets.u16(p, ipLen + 2) == 9999) {
          assertArrayEquals(payload, Arrays.copyOfRange(p, ipLen + 8, p.length));
          assertTrue(TestPackets.l4ChecksumOk(p, 0, p.length), "UDP checksum");
          return;
        }
      }
    }
    throw new AssertionError("the UDP packet never came out of the TUN device");
  }

  @Test
  void writtenPacketsReachALocalSocket() throws Exception {
    open(false);
    checkWrite(local, remote);
    checkWrite(local6, remote6);
  }

  @Test
  void withOffloadWrittenPacketsReachALocalSocket() throws Exception {
    open(true);
    checkWrite(local, remote);
    checkWrite(local6, remote6);
  }

  private void checkWrite(InetAddress to, InetAddress from) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(to, 0))) {
      s.setSoTimeout(1000);
      byte[] payload = "from the tunnel".getBytes();
      byte[] pkt = TestPackets.udp(from, to, 5555, s.getLocalPort(), payload);
      byte[] buf = new byte[2000];
      System.arraycopy(pkt, 0, buf, 16, pkt.length);
      DatagramPacket got = new DatagramPacket(new byte[100], 100);
      // Written again if not received: on a loaded machine the kernel may still be bringing up
      // the interface's IPv6 side just after the link went up, and drops what arrives until then.
      for (int attempt = 1; ; attempt++) {
        tun.write(new byte[][] {buf}, new int[] {pkt.length}, 16, 1);
        try {
          s.receive(got);
          break;
        } catch (java.net.SocketTimeoutException e) {
          if (attempt == 8) {
            throw e;
          }
        }
      }
      assertArrayEquals(payload, Arrays.copyOf(got.getData(), got.getLength()));
      assertEquals(from, got.getAddress());
    }
    assertEquals(0, tun.writeDrops());
  }

  @Test
  void aMalformedPacketIsDroppedAndCountedNotThrown() throws Exception {
    open(false);
    byte[] junk = new byte[40];
    junk[0] = 0x45; // IPv4, but a total length and checksum of zero
    tun.write(new byte[][] {junk}, new int[] {junk.length}, 0, 1);
    // The kernel may accept and discard it later, or refuse it now; either way no exception.
    assertTrue(tun.writeDrops() <= 1);
  }

  @Test
  void closeWakesABlockedReader() throws Exception {
    open(false);
    CompletableFuture<Throwable> reader =
        CompletableFuture.supplyAsync(
            () -> {
              byte[][] bufs = new byte[4][2000];
              try {
                while (true) {
                  tun.read(bufs, new int[4], 0);
                }
              } catch (Throwable t) {
                return t;
              }
            });
    Thread.sleep(300);
    tun.close();
    Throwable t = reader.get(3, TimeUnit.SECONDS);
    assertTrue(t instanceof ClosedChannelException, "got " + t);
    assertThrows(ClosedChannelException.class, () -> tun.read(new byte[1][100], new int[1], 0));
    assertTrue(!new IpCommand().run("link", "show").contains(name + ":"), "device still exists");
  }

  @Test
  void aBadNameGivesAClearError() {
    IOException e =
        assertThrows(IOException.class, () -> LinuxTun.open("much-too-long-name-x", 1420));
    assertTrue(e.getMessage().contains("1-15"), e.getMessage());
  }

  private static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
