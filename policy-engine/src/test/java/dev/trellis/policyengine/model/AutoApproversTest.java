package dev.trellis.policyengine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AutoApproversTest {
  static final Policy POLICY =
      load(
          """
          {
            "groups": {"group:eng": ["alice@x.io"]},
            "tagOwners": {"tag:router": ["group:eng"], "tag:exit": [], "tag:other": []},
            "AutoApprovers": {
              "Routes": {
                "10.0.0.0/8": ["group:eng", "tag:router"],
                "192.168.1.0/24": ["bob@x.io"],
                "fd00:1::/32": ["autogroup:tagged"],
              },
              "ExitNode": ["tag:exit"],
            },
          }
          """);

  static Policy load(String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    assertTrue(r.accepted(), r.problems().toString());
    return r.policy().orElseThrow();
  }

  static Identity user(String login) {
    return new Identity(login, false, Set.of(), List.of(InetAddress.ofLiteral("100.64.0.1")));
  }

  static Identity tagged(String... tags) {
    return new Identity(null, false, Set.of(tags), List.of(InetAddress.ofLiteral("100.64.0.2")));
  }

  static IpPrefix p(String s) {
    return IpPrefix.parse(s);
  }

  @Test
  void readsRoutesAndExitNodeInTailscalesFormat() {
    AutoApprovers a = POLICY.autoApprovers();
    assertEquals(
        Map.of(
            p("10.0.0.0/8"),
            List.of(new Selector.Group("group:eng"), new Selector.Tag("tag:router")),
            p("192.168.1.0/24"),
            List.of(new Selector.User("bob@x.io")),
            p("fd00:1::/32"),
            List.of(new Selector.Tagged())),
        a.routes());
    assertEquals(List.of(new Selector.Tag("tag:exit")), a.exitNode());
  }

  @Test
  void aPolicyWithoutTheSectionApprovesNothing() {
    Policy none = load(Policy.DEFAULT_HUJSON);
    assertEquals(AutoApprovers.NONE, none.autoApprovers());
    assertFalse(none.autoApproves(user("alice@x.io"), p("10.0.0.0/24")));
    assertFalse(none.autoApproves(tagged("tag:exit"), p("0.0.0.0/0")));
  }

  @Test
  void aSubnetRouteIsApprovedInsideAListedPrefixForAMatchingNode() {
    assertTrue(POLICY.autoApproves(user("alice@x.io"), p("10.0.0.0/8")));
    assertTrue(POLICY.autoApproves(user("alice@x.io"), p("10.20.0.0/16")));
    assertTrue(POLICY.autoApproves(tagged("tag:router"), p("10.1.2.0/24")));
    assertTrue(POLICY.autoApproves(user("bob@x.io"), p("192.168.1.128/25")));
    assertTrue(POLICY.autoApproves(tagged("tag:other"), p("fd00:1:2::/48")));
    // Wider than the listed prefix, outside it, or the wrong node.
    assertFalse(POLICY.autoApproves(user("alice@x.io"), p("10.0.0.0/7")));
    assertFalse(POLICY.autoApproves(user("alice@x.io"), p("192.168.1.0/24")));
    assertFalse(POLICY.autoApproves(user("bob@x.io"), p("10.0.0.0/24")));
    assertFalse(POLICY.autoApproves(tagged("tag:other"), p("10.0.0.0/24")));
    assertFalse(POLICY.autoApproves(user("alice@x.io"), p("fd00:1:2::/48")));
  }

  @Test
  void aTaggedNodeMatchesByItsTagsNotByTheUserWhoTaggedIt() {
    // A tagged node has no user: alice's tagged node is not alice's.
    Identity alicesServer = new Identity(null, false, Set.of("tag:other"), List.of());
    assertFalse(POLICY.autoApproves(alicesServer, p("10.0.0.0/24")));
  }

  @Test
  void exitRoutesAreApprovedOnlyByExitNode() {
    assertTrue(POLICY.autoApproves(tagged("tag:exit"), p("0.0.0.0/0")));
    assertTrue(POLICY.autoApproves(tagged("tag:exit"), p("::/0")));
    assertFalse(POLICY.autoApproves(tagged("tag:router"), p("0.0.0.0/0")));
    assertFalse(POLICY.autoApproves(user("alice@x.io"), p("::/0")));
    assertFalse(POLICY.autoApproves(tagged("tag:exit"), p("10.0.0.0/24")));
  }

  @Test
  void destinationsReachRoutersWhoseRoutesOverlapAndInternetReachesExitNodes() {
    Identity router = user("alice@x.io");
    List<IpPrefix> lan = List.of(p("192.168.1.0/24"));
    List<IpPrefix> exit = List.of(p("0.0.0.0/0"), p("::/0"));
    Selector host = new Selector.Ip(p("192.168.1.10/32"));
    Selector wide = new Selector.Ip(p("192.168.0.0/16"));
    Selector other = new Selector.Ip(p("10.0.0.0/8"));
    Selector internet = new Selector.Internet();
    assertTrue(POLICY.matchesDestination(host, router, lan));
    assertTrue(POLICY.matchesDestination(wide, router, lan));
    assertFalse(POLICY.matchesDestination(other, router, lan));
    assertFalse(POLICY.matchesDestination(host, router, List.of()));
    // As a source, an address selector still names only the node's own addresses.
    assertFalse(POLICY.matches(host, router));
    assertTrue(POLICY.matchesDestination(internet, router, exit));
    assertFalse(POLICY.matchesDestination(internet, router, lan));
    assertFalse(POLICY.matches(internet, router));
    // A node's own address still matches; non-address selectors ignore routes.
    assertTrue(POLICY.matchesDestination(new Selector.Ip(p("100.64.0.1/32")), router, List.of()));
    assertTrue(POLICY.matchesDestination(new Selector.User("alice@x.io"), router, lan));
  }
}
