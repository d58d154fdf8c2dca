package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.event.v1.UserRole;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompilationTest {
  static final String POLICY =
      """
      {
        "groups": {"group:eng": ["alice@example.com"]},
        "tagOwners": {"tag:server": ["group:eng"]},
        "acls": [
          // group members reach the tagged server on TCP 22 and 80 only
          {"action": "accept", "src": ["group:eng"], "proto": "tcp", "dst": ["tag:server:22,80"]},
          // everyone reaches their own devices
          {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
        ],
      }
      """;

  static Node node(String id, int last, String user, UserRole role, String... tags) {
    return new Node(
        id,
        List.of(InetAddress.ofLiteral("100.64.0." + last), InetAddress.ofLiteral("fd7a::" + last)),
        user,
        role,
        Set.of(tags));
  }

  static final Node ALICE_LAPTOP = node("a1", 1, "alice@example.com", UserRole.MEMBER);
  static final Node ALICE_PHONE = node("a2", 2, "alice@example.com", UserRole.MEMBER);
  static final Node BOB_LAPTOP = node("b1", 3, "bob@example.com", UserRole.MEMBER);
  static final Node SERVER = node("s1", 4, "alice@example.com", UserRole.MEMBER, "tag:server");

  static Policy policy(String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    assertTrue(r.accepted(), r.problems().toString());
    return r.policy().orElseThrow();
  }

  @Test
  void groupReachesTaggedServerAndUsersSeeOnlyTheirOwnDevices() {
    Compilation c =
        new Compilation(policy(POLICY), List.of(ALICE_LAPTOP, ALICE_PHONE, BOB_LAPTOP, SERVER));
    assertEquals(Set.of("a2", "s1"), c.peersOf("a1"));
    assertEquals(Set.of("a1"), c.peersOf("a2").headSet("s1"));
    assertEquals(Set.of(), c.peersOf("b1"), "bob is in no group and has one device");
    assertEquals(Set.of("a1", "a2"), c.peersOf("s1"));

    List<FilterRule> server = c.filterFor("s1");
    assertEquals(1, server.size());
    assertEquals(
        List.of("100.64.0.1/32", "fd7a::1/128", "100.64.0.2/32", "fd7a::2/128"),
        FilterSources.text(server.getFirst()));
    assertEquals(List.of(6), server.getFirst().getIpProtocolsList());
    assertEquals(
        List.of("*:22-22", "*:80-80"),
        server.getFirst().getDestinationsList().stream()
            .map(d -> d.getPrefix() + ":" + d.getPorts().getFirst() + "-" + d.getPorts().getLast())
            .toList());

    List<FilterRule> laptop = c.filterFor("a1");
    assertEquals(1, laptop.size(), "only the autogroup:self rule");
    assertEquals(
        List.of("100.64.0.1/32", "fd7a::1/128", "100.64.0.2/32", "fd7a::2/128"),
        FilterSources.text(laptop.getFirst()));
    assertEquals(
        List.of("100.64.0.3/32", "fd7a::3/128"), FilterSources.text(c.filterFor("b1").getFirst()));
  }

  @Test
  void joiningTheGroupUpdatesOnlyTheServerAndTheJoiner() {
    Compilation c =
        new Compilation(policy(POLICY), List.of(ALICE_LAPTOP, ALICE_PHONE, BOB_LAPTOP, SERVER));
    Node aliceDesk = node("a3", 5, "alice@example.com", UserRole.MEMBER);
    Change ch = c.upsert(aliceDesk);
    assertEquals(Set.of("a1", "a2", "a3", "s1"), ch.filtersChanged());
    assertEquals(Set.of("a1", "a2", "s1"), ch.peers().get("a3").added());
    assertEquals(Set.of("a3"), ch.peers().get("s1").added());
    assertTrue(!ch.peers().containsKey("b1"));

    Change retag = c.upsert(node("a3", 5, "alice@example.com", UserRole.MEMBER, "tag:server"));
    // As a tagged server a3 is still reached by alice's devices (now through the group rule), but
    // it no longer sends to the other server.
    assertEquals(Set.of("s1"), retag.peers().get("a3").removed());
    assertEquals(Set.of(), retag.peers().get("a3").added());
    assertEquals(Set.of("a3"), retag.peers().get("s1").removed());

    Change gone = c.remove("a1");
    assertEquals(Set.of("a1"), gone.peers().get("s1").removed());
    assertTrue(gone.filtersChanged().contains("s1"));
  }

  @Test
  void addressSelectorsUseLiteralPrefixes() {
    Policy p =
        policy(
            """
            {"hosts": {"office": "192.168.0.0/16"},
             "acls": [{"action": "accept", "src": ["office", "100.64.0.3"], "dst": ["100.64.0.0/30:443"]}]}
            """);
    Compilation c = new Compilation(p, List.of(ALICE_LAPTOP, ALICE_PHONE, BOB_LAPTOP, SERVER));
    FilterRule f = c.filterFor("a1").getFirst();
    assertEquals(List.of("192.168.0.0/16", "100.64.0.3/32"), FilterSources.text(f));
    assertEquals("100.64.0.0/30", f.getDestinations(0).getPrefix());
    assertEquals(Set.of("a1", "a2"), c.peersOf("b1"), "b1 sends to the /30 (a1, a2)");
    assertEquals(List.of(), c.filterFor("s1"), ".4 is outside the /30");
  }

  @Test
  void defaultPolicyLetsEveryoneSeeEveryone() {
    Compilation c =
        new Compilation(
            PolicyLoader.defaultPolicy(), List.of(ALICE_LAPTOP, ALICE_PHONE, BOB_LAPTOP, SERVER));
    assertEquals(Set.of("a1", "a2", "s1"), c.peersOf("b1"));
    assertEquals(List.of("*"), FilterSources.text(c.filterFor("b1").getFirst()));
    Change ch = c.upsert(node("c1", 9, "carol@example.com", UserRole.MEMBER));
    assertEquals(Set.of("c1"), ch.filtersChanged(), "'*' sources do not depend on nodes");
    assertEquals(5, ch.peers().size());
  }

  @Test
  void adminAutogroupFollowsTheRole() {
    Policy p =
        policy(
            """
            {"tagOwners": {"tag:server": []},
             "acls": [{"action": "accept", "src": ["autogroup:admin"], "dst": ["autogroup:tagged:22"]}]}
            """);
    Node admin = node("x1", 7, "root@example.com", UserRole.ADMIN);
    Compilation c = new Compilation(p, List.of(admin, BOB_LAPTOP, SERVER));
    assertEquals(Set.of("s1"), c.peersOf("x1"));
    assertEquals(Set.of(), c.peersOf("b1"));
    Change promoted = c.upsert(node("b1", 3, "bob@example.com", UserRole.OWNER));
    assertEquals(Set.of("s1"), promoted.peers().get("b1").added());
    assertTrue(promoted.filtersChanged().contains("s1"));
  }
}
