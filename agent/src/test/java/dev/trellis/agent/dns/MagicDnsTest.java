package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MagicDNS following netmaps, with real sockets, dig, dnsmasq and a real resolv.conf file; the link
 * is loopback on a free port here (the tunnel interface, port 53 and the input guard are exercised
 * in network namespaces by the end-to-end test).
 */
@IntegrationTest
class MagicDnsTest {
  @TempDir Path dir;

  /** Loopback in place of the tunnel interface: counts adds and removes. */
  static final class LoopbackLink implements ResolverLink {
    final AtomicInteger added = new AtomicInteger();
    final AtomicInteger removed = new AtomicInteger();

    @Override
    public String name() {
      return "lo";
    }

    @Override
    public List<InetAddress> addResolverAddresses() {
      added.incrementAndGet();
      return List.of(InetAddress.getLoopbackAddress());
    }

    @Override
    public void removeResolverAddresses() {
      removed.incrementAndGet();
    }
  }

  @Test
  void followsNetmapsAndPutsTheSystemBackWhenStopped() throws Exception {
    Dnsmasq.require();
    try (Dnsmasq upstream = Dnsmasq.start(dir, "--address=/example.test/192.0.2.10")) {
      Path resolvConf = dir.resolve("resolv.conf");
      byte[] original = "nameserver 10.0.0.1\n".getBytes(StandardCharsets.UTF_8);
      Files.write(resolvConf, original);
      LoopbackLink link = new LoopbackLink();
      int port = Dnsmasq.freePort();
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      MagicDns dns =
          new MagicDns(
              link,
              new ResolvConfFile(resolvConf, Files.createDirectory(dir.resolve("state"))),
              OsConfigurator.unmanaged(resolvConf),
              true,
              null,
              port,
              new PrintStream(log, true, StandardCharsets.UTF_8));
      DnsConfig config = Netmaps.config().addResolvers("127.0.0.1:" + upstream.port).build();

      dns.apply(Netmaps.self(), Netmaps.peers(), config);
      assertTrue(dns.status().running(), log.toString());
      assertEquals(List.of("100.64.0.2"), Dig.shortAnswer(port, "nas", "A"));
      assertEquals(List.of("192.0.2.10"), Dig.shortAnswer(port, "www.example.test", "A"));
      String managed = Files.readString(resolvConf);
      assertTrue(managed.contains("nameserver 127.0.0.1\n"), managed);
      assertTrue(managed.contains("search acme.trellis.internal\n"), managed);

      dns.apply(Netmaps.self(), List.of(Netmaps.peers().get(1)), config);
      assertEquals("NXDOMAIN", Dig.status(Dig.run(port, "nas.acme.trellis.internal", "A")));
      assertEquals(1, link.added.get(), "a new netmap does not restart the resolver");

      dns.apply(Netmaps.self(), Netmaps.peers(), DnsConfig.getDefaultInstance());
      assertFalse(dns.status().running(), "nothing asks for DNS any more");
      assertArrayEquals(original, Files.readAllBytes(resolvConf));
      assertEquals(1, link.removed.get());

      dns.apply(Netmaps.self(), Netmaps.peers(), config);
      assertTrue(dns.status().running());
      assertEquals("acme.trellis.internal", dns.status().suffix());

      dns.acceptDns(false); // trellis up --accept-dns=false
      assertArrayEquals(original, Files.readAllBytes(resolvConf));
      assertEquals(List.of("100.64.0.2"), Dig.shortAnswer(port, "nas", "A"), "still answers");
      dns.acceptDns(true);
      assertTrue(Files.readString(resolvConf).contains("search acme.trellis.internal\n"));

      dns.applied(dev.trellis.agent.netmap.Netmap.EMPTY); // trellis down
      assertFalse(dns.status().running());
      assertArrayEquals(original, Files.readAllBytes(resolvConf));
      dns.apply(Netmaps.self(), Netmaps.peers(), config);
      assertTrue(dns.status().counters().get("queries") >= 3);
      dns.stop();
      assertFalse(dns.status().running());
      assertArrayEquals(original, Files.readAllBytes(resolvConf));
      dns.close();
    }
  }

  @Test
  void withAcceptDnsOffTheResolverRunsAndTheSystemIsLeftAlone() throws Exception {
    Dnsmasq.require();
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 10.0.0.1\n");
    int port = Dnsmasq.freePort();
    try (MagicDns dns =
        new MagicDns(
            new LoopbackLink(),
            new ResolvConfFile(resolvConf, Files.createDirectory(dir.resolve("state"))),
            OsConfigurator.unmanaged(resolvConf),
            false,
            null,
            port,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      dns.apply(Netmaps.self(), Netmaps.peers(), Netmaps.config().build());
      assertEquals(List.of("100.64.0.3"), Dig.shortAnswer(port, "grafana", "A"));
      assertEquals("nameserver 10.0.0.1\n", Files.readString(resolvConf));
      assertTrue(dns.status().mode().startsWith("off"));
    }
  }

  @Test
  void aPortInUseIsReportedAndRetriedWithTheNextNetmap() throws Exception {
    Dnsmasq.require();
    int port = Dnsmasq.freePort();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (var taken = new java.net.DatagramSocket(port, InetAddress.getLoopbackAddress());
        MagicDns dns =
            new MagicDns(
                new LoopbackLink(),
                OsConfigurator.unmanaged(dir.resolve("none")),
                OsConfigurator.unmanaged(dir.resolve("none")),
                true,
                null,
                port,
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
      dns.apply(Netmaps.self(), Netmaps.peers(), Netmaps.config().build());
      assertFalse(dns.status().running());
      assertTrue(dns.status().problem().contains("cannot listen"), dns.status().problem());
      taken.close();
      dns.apply(Netmaps.self(), Netmaps.peers(), Netmaps.config().build());
      assertTrue(dns.status().running(), log.toString());
      assertEquals("", dns.status().problem());
    }
  }
}
