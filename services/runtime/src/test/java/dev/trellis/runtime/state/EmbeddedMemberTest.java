package dev.trellis.runtime.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.Settings;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Hazelcast members on 127.0.0.1, each on its own free port and in its own cluster name. */
@IntegrationTest
class EmbeddedMemberTest {
  private final List<HazelcastInstance> started = new ArrayList<>();
  private final String cluster = "test-" + UUID.randomUUID();

  @AfterEach
  void shutdown() {
    started.forEach(HazelcastInstance::shutdown);
  }

  private Settings settings(int port, String members, int minMembers, String timeout) {
    return Settings.parse(
        new String[] {
          "--hazelcast-port", Integer.toString(port),
          "--hazelcast-members", members,
          "--hazelcast-cluster", cluster,
          "--hazelcast-min-members", Integer.toString(minMembers),
          "--hazelcast-join-timeout", timeout
        },
        Map.of());
  }

  @Test
  void twoMembersFormAClusterAndShareAnIMap() throws IOException {
    int p1 = FreePorts.tcp();
    int p2 = FreePorts.tcp();
    String members = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2;
    HazelcastInstance a = EmbeddedMember.start(settings(p1, members, 1, "30s"));
    started.add(a);
    HazelcastInstance b = EmbeddedMember.start(settings(p2, members, 2, "30s"));
    started.add(b);
    assertEquals(2, a.getCluster().getMembers().size());
    assertEquals(2, b.getCluster().getMembers().size());
    a.getMap("nodes").put("tailnet-1/node-1", "100.64.0.1");
    assertEquals("100.64.0.1", b.getMap("nodes").get("tailnet-1/node-1"));
    assertTrue(EmbeddedMember.joined(b, 2));
    assertEquals(
        "127.0.0.1", b.getCluster().getLocalMember().getAddress().getHost(), "bound interface");
  }

  @Test
  void membersOnDifferentAddressesJoin() throws IOException {
    // Like containers or hosts: each member binds its own address and lists the other's.
    int p1 = FreePorts.tcp();
    int p2 = FreePorts.tcp();
    HazelcastInstance a =
        EmbeddedMember.start(
            withInterface(settingsArgs(p1, "127.0.0.2:" + p2, 1, "30s"), "127.0.0.1"));
    started.add(a);
    HazelcastInstance b =
        EmbeddedMember.start(
            withInterface(settingsArgs(p2, "127.0.0.1:" + p1, 2, "30s"), "127.0.0.2"));
    started.add(b);
    assertEquals(2, b.getCluster().getMembers().size());
    assertEquals("127.0.0.2", b.getCluster().getLocalMember().getAddress().getHost());
  }

  private String[] settingsArgs(int port, String members, int minMembers, String timeout) {
    return new String[] {
      "--hazelcast-port", Integer.toString(port),
      "--hazelcast-members", members,
      "--hazelcast-cluster", cluster,
      "--hazelcast-min-members", Integer.toString(minMembers),
      "--hazelcast-join-timeout", timeout
    };
  }

  private static Settings withInterface(String[] args, String address) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--hazelcast-interface";
    all[args.length + 1] = address;
    return Settings.parse(all, Map.of());
  }

  @Test
  void aWrongMemberListFailsWithinTheTimeoutWithAClearMessage() throws IOException {
    int p = FreePorts.tcp();
    int nobody = FreePorts.tcp();
    Settings s = settings(p, "127.0.0.1:" + nobody, 2, "4s");
    long start = System.nanoTime();
    MemberStartException e =
        assertThrows(MemberStartException.class, () -> EmbeddedMember.start(s));
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertTrue(seconds < 30, "took " + seconds + "s");
    assertTrue(e.getMessage().contains("127.0.0.1:" + nobody), e.getMessage());
    assertTrue(e.getMessage().contains(cluster), e.getMessage());
    assertTrue(e.getMessage().contains("expected at least 2"), e.getMessage());
  }

  @Test
  void aMemberStartsFromAYamlFile(@TempDir Path tmp) throws IOException {
    int port = FreePorts.tcp();
    Path yaml =
        Files.writeString(
            tmp.resolve("hazelcast.yaml"),
            """
            hazelcast:
              cluster-name: %s
              network:
                port:
                  port: %d
                  auto-increment: false
                interfaces:
                  enabled: true
                  interfaces:
                    - 127.0.0.1
                join:
                  multicast:
                    enabled: false
                  tcp-ip:
                    enabled: true
                    member-list:
                      - 127.0.0.1:%d
              map:
                sessions:
                  time-to-live-seconds: 60
            """
                .formatted(cluster, port, port));
    Settings s = Settings.parse(new String[] {"--hazelcast-config", yaml.toString()}, Map.of());
    HazelcastInstance member = EmbeddedMember.start(s);
    started.add(member);
    assertEquals(cluster, member.getConfig().getClusterName());
    assertEquals(port, member.getCluster().getLocalMember().getAddress().getPort());
    assertEquals(60, member.getConfig().getMapConfig("sessions").getTimeToLiveSeconds());
    assertEquals("false", member.getConfig().getProperty("hazelcast.phone.home.enabled"));
    member.getMap("sessions").put("k", "v");
    assertEquals("v", member.getMap("sessions").get("k"));
  }

  @Test
  void aBrokenConfigFileIsAConfigError(@TempDir Path tmp) throws IOException {
    Path xml = Files.writeString(tmp.resolve("hz.xml"), "<hazelcast><network><port>x");
    ConfigException e = assertThrows(ConfigException.class, () -> MemberConfig.fromFile(xml));
    assertTrue(e.getMessage().startsWith("--hazelcast-config: " + xml), e.getMessage());
    Path txt = Files.writeString(tmp.resolve("hz.txt"), "");
    assertFalse(
        assertThrows(ConfigException.class, () -> MemberConfig.fromFile(txt))
            .getMessage()
            .isEmpty());
  }
}
