package dev.trellis.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab against the real kernel: namespaces on a wire and on a bridge reach each other, the root
 * namespace reaches the LAN, and close stops the lab's processes and removes exactly what it
 * created, leaving another lab's namespaces alone.
 */
@RootTest
@IntegrationTest
class NetLabTest {
  @BeforeEach
  void requireRoot() {
    assumeTrue(Prerequisites.root(), "the network lab needs root");
    assumeTrue(Prerequisites.onPath("ip"), "the network lab needs iproute2");
  }

  private static List<String> namespaces() throws IOException {
    return Command.check("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList();
  }

  private static boolean linkExists(String name) throws IOException {
    return Command.run(List.of("ip", "link", "show", name), Command.DEFAULT_TIMEOUT).code() == 0;
  }

  @Test
  void aVethPairCarriesPacketsAndCloseRemovesItsNamespacesAndProcesses() throws Exception {
    NetLab lab = NetLab.create("netlab-test", false);
    VethPair pair;
    Process sleeper;
    try {
      pair = VethPair.create(lab, "nla", "nlb");
      assertTrue(pair.nsA().endsWith(lab.tag()) && pair.nsA().startsWith("nla"), pair.nsA());
      assertTrue(namespaces().containsAll(List.of(pair.nsA(), pair.nsB())));
      lab.exec(pair.nsA(), "ping", "-c", "1", "-W", "5", pair.underlayB());
      assertTrue(lab.succeeds(pair.nsB(), "ping", "-c", "1", "-W", "5", pair.underlayA()));
      assertFalse(lab.succeeds(pair.nsB(), "false"));
      sleeper =
          lab.start(NetLab.in(pair.nsA(), List.of("sleep", "600")), lab.dir().resolve("s.log"));
      assertTrue(sleeper.isAlive());
      assertThrows(IllegalArgumentException.class, () -> lab.namespace("nla"));
    } finally {
      lab.close();
    }
    assertFalse(sleeper.isAlive(), "the lab's process is stopped");
    assertFalse(namespaces().contains(pair.nsA()));
    assertFalse(namespaces().contains(pair.nsB()));
    assertFalse(Files.exists(lab.dir()), "the directory is deleted unless kept");
  }

  @Test
  void devicesOnABridgedLanReachEachOtherAndTheHost() throws Exception {
    try (NetLab other = NetLab.create("netlab-other", false)) {
      String bystander = other.namespace("nlx");
      String root;
      try (NetLab lab = NetLab.create("netlab-test", false)) {
        BridgedLan lan = BridgedLan.create(lab);
        String a = lan.device();
        String b = lan.device();
        assertTrue(lan.ipOf(b).endsWith(".12"), lan.ipOf(b));
        assertThrows(IllegalArgumentException.class, () -> lan.ipOf(bystander));
        lab.exec(a, "ping", "-c", "1", "-W", "5", lan.ipOf(b));
        lab.exec(b, "ping", "-c", "1", "-W", "5", lan.hostIp());
        Command.check("ping", "-c", "1", "-W", "5", lan.ipOf(a));
        root = lab.name("tbr");
        assertTrue(linkExists(root));
      }
      assertFalse(linkExists(root), "the root namespace's link is deleted");
      assertTrue(namespaces().contains(bystander), "another lab's namespace is left alone");
    }
  }

  @Test
  void aKeptDirectoryStays() throws Exception {
    Path dir;
    try (NetLab lab = NetLab.create("netlab-kept")) {
      dir = lab.dir();
      Files.writeString(dir.resolve("x.log"), "kept");
      assertEquals("kept", lab.log("x"));
      assertEquals("(no log)", lab.log("y"));
    }
    assertTrue(Files.exists(dir.resolve("x.log")));
    Command.check("rm", "-rf", dir.toString());
  }
}
