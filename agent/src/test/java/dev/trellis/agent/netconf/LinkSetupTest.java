package dev.trellis.agent.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.agent.tun.LinuxTun;
import dev.trellis.proto.net.IpPrefix;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Against a real TUN device in the test's network namespace: needs root. */
@RootTest
class LinkSetupTest {
  private final IpCommand ip = new IpCommand();
  private final int net = ThreadLocalRandom.current().nextInt(256);
  private final String name = "tl" + ProcessHandle.current().pid() % 100000 + "x" + net;

  @Test
  void setsMtuAddressesAndRoutesOnlyWhereNeeded() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
        "LinkSetupTest needs root and /dev/net/tun");
    try (LinuxTun tun = LinuxTun.open(name, 1380)) {
      List<IpPrefix> skipped =
          new LinkSetup(ip)
              .apply(
                  name,
                  1380,
                  List.of(
                      InterfaceAddress.parse("10.214." + net + ".1/24"),
                      InterfaceAddress.parse("fd14:" + Integer.toHexString(net) + "::1/64")),
                  List.of(
                      IpPrefix.parse("10.214." + net + ".2/32"), // inside the /24: no route
                      IpPrefix.parse("10.215." + net + ".0/24"),
                      IpPrefix.parse("fd15:" + Integer.toHexString(net) + "::/64"),
                      IpPrefix.parse("0.0.0.0/0")));
      assertEquals(List.of(IpPrefix.parse("0.0.0.0/0")), skipped);
      String link = ip.run("link", "show", "dev", name);
      assertTrue(link.contains("mtu 1380") && link.contains("UP"), link);
      String v4 = ip.run("-4", "route", "show", "dev", name);
      assertTrue(v4.contains("10.215." + net + ".0/24"), v4);
      assertFalse(v4.contains("10.214." + net + ".2"), v4);
      assertFalse(v4.contains("default"), v4);
      String v6 = ip.run("-6", "route", "show", "dev", name);
      assertTrue(v6.contains("fd15:" + Integer.toHexString(net) + "::/64"), v6);
    } finally {
      new LinkSetup(ip).deleteIfPresent(name);
    }
  }

  @Test
  void withIpv6OffTheDeviceGetsItsIpv4SideAndTheIpv6PartsAreReported() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
        "LinkSetupTest needs root and /dev/net/tun");
    try (LinuxTun tun = LinuxTun.open(name, 1380)) {
      // As in a container started with net.ipv6.conf.all.disable_ipv6=1.
      Files.writeString(Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6"), "1");
      assertFalse(LinkSetup.ipv6EnabledInProcfs(name));
      String hex = Integer.toHexString(net);
      List<IpPrefix> skipped =
          new LinkSetup(ip)
              .apply(
                  name,
                  1380,
                  List.of(
                      InterfaceAddress.parse("10.216." + net + ".1/24"),
                      InterfaceAddress.parse("fd16:" + hex + "::1/64")),
                  List.of(
                      IpPrefix.parse("10.217." + net + ".0/24"),
                      IpPrefix.parse("fd17:" + hex + "::/64")));
      assertEquals(
          List.of(IpPrefix.parse("fd16:" + hex + "::/64"), IpPrefix.parse("fd17:" + hex + "::/64")),
          skipped);
      String v4 = ip.run("-4", "route", "show", "dev", name);
      assertTrue(v4.contains("10.217." + net + ".0/24"), v4);
      assertTrue(ip.run("-4", "address", "show", "dev", name).contains("10.216." + net + ".1"));
      assertTrue(
          LinkSetup.ipv6EnabledInProcfs("lo") || !Files.exists(Path.of("/proc/net/if_inet6")));
      assertFalse(LinkSetup.ipv6EnabledInProcfs("no-such-device0"));
    } finally {
      new LinkSetup(ip).deleteIfPresent(name);
    }
  }

  @Test
  void aFailingCommandQuotesItAndWhatIpSaid() {
    IOException e =
        assertThrows(
            IOException.class, () -> ip.run("link", "set", "dev", "nonexistent-dev0", "up"));
    assertTrue(
        e.getMessage().contains("'ip link set dev nonexistent-dev0 up' failed"), e.getMessage());
    IOException missing =
        assertThrows(IOException.class, () -> new IpCommand("/nonexistent/ip").run("link"));
    assertTrue(missing.getMessage().contains("is iproute2 installed?"), missing.getMessage());
  }
}
