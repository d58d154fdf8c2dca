package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routers and exit nodes in the compilation: destinations reach them through their routes. */
class RoutesCompilationTest {
  static final Policy POLICY =
      CompilationTest.policy(
          """
          {
            "groups": {"group:eng": ["alice@example.com"]},
            "tagOwners": {"tag:router": [], "tag:exit": []},
            "acls": [
              {"action": "accept", "src": ["group:eng"], "dst": ["192.168.1.0/24:*"]},
              {"action": "accept", "src": ["bob@example.com"], "dst": ["autogroup:internet:443"]},
            ],
          }
          """);

  static final List<IpPrefix> LAN = List.of(IpPrefix.parse("192.168.1.0/24"));
  static final List<IpPrefix> EXIT = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));

  static Node node(String id, int last, String user, List<IpPrefix> routes, String... tags) {
    return new Node(
        id,
        List.of(InetAddress.ofLiteral("100.64.0." + last)),
        user,
        UserRole.MEMBER,
        Set.of(tags),
        routes);
  }

  static final Node ALICE = node("a", 1, "alice@example.com", List.of());
  static final Node BOB = node("b", 2, "bob@example.com", List.of());
  static final Node ROUTER = node("r", 3, "carol@example.com", LAN, "tag:router");
  static final Node EXIT_NODE = node("x", 4, "carol@example.com", EXIT, "tag:exit");

  @Test
  void aSubnetDestinationReachesTheRouterAndItsFilterCarriesTheRule() {
    Compilation c = new Compilation(POLICY, List.of(ALICE, BOB, ROUTER));
    assertEquals(Set.of("r"), c.peersOf("a"));
    assertEquals(Set.of("a"), c.peersOf("r"));
    List<FilterRule> f = c.filterFor("r");
    assertEquals(1, f.size());
    assertEquals(List.of("100.64.0.1/32"), FilterSources.text(f.getFirst()));
    assertEquals("192.168.1.0/24", f.getFirst().getDestinations(0).getPrefix());
  }

  @Test
  void anExitNodeRoutesEveryPrefixSoAnAddressDestinationReachesItToo() {
    // 0.0.0.0/0 overlaps 192.168.1.0/24: through an exit node alice may reach that LAN too (her
    // routing table prefers a subnet router's /24 when there is one).
    Compilation c = new Compilation(POLICY, List.of(ALICE, BOB, ROUTER, EXIT_NODE));
    assertEquals(Set.of("r", "x"), c.peersOf("a"));
    assertEquals("192.168.1.0/24", c.filterFor("x").getFirst().getDestinations(0).getPrefix());
  }

  @Test
  void internetReachesExitNodesWithBothDefaultRoutesAsDestinations() {
    Compilation c = new Compilation(POLICY, List.of(ALICE, BOB, ROUTER, EXIT_NODE));
    assertEquals(Set.of("x"), c.peersOf("b"));
    List<FilterRule> f = c.filterFor("x");
    assertEquals(2, f.size());
    FilterRule internet = f.get(1);
    assertEquals(List.of("100.64.0.2/32"), FilterSources.text(internet));
    assertEquals(
        List.of("0.0.0.0/0", "::/0"),
        internet.getDestinationsList().stream().map(d -> d.getPrefix()).toList());
    assertEquals(443, internet.getDestinations(1).getPorts().getFirst());
    assertEquals(1, c.filterFor("r").size(), "a subnet router is not an exit node");
  }

  @Test
  void routesComingIntoForceAreAnUpsertLikeARetag() {
    Node bare = node("r", 3, "carol@example.com", List.of(), "tag:router");
    Compilation c = new Compilation(POLICY, List.of(ALICE, BOB, bare));
    assertEquals(Set.of(), c.peersOf("a"));
    Change ch = c.upsert(ROUTER);
    assertEquals(Set.of("r"), c.peersOf("a"));
    assertTrue(ch.filtersChanged().contains("r"));
    assertEquals(Set.of("r"), ch.peers().get("a").added());
    assertEquals(Set.of("a"), ch.peers().get("r").added());
    Compilation full = new Compilation(POLICY, List.of(ALICE, BOB, ROUTER));
    assertEquals(full.filterFor("r"), c.filterFor("r"));

    Change back = c.upsert(bare);
    assertEquals(Set.of(), c.peersOf("a"));
    assertEquals(Set.of("r"), back.peers().get("a").removed());
    assertEquals(List.of(), c.filterFor("r"));
  }

  @Test
  void theDefaultPolicyLetsEveryoneReachRoutersAndExitNodes() {
    Policy all = CompilationTest.policy(Policy.DEFAULT_HUJSON);
    Compilation c = new Compilation(all, List.of(ALICE, ROUTER, EXIT_NODE));
    assertEquals(Set.of("r", "x"), c.peersOf("a"));
    assertEquals("*", c.filterFor("x").getFirst().getDestinations(0).getPrefix());
  }
}
