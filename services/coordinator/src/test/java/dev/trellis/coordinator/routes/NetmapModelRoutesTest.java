package dev.trellis.coordinator.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model's routes: what is in force (advertised and approved by an admin or autoApprovers), the
 * primary router of each prefix (online the longest; no take-back), failover, and that the result
 * depends only on the state, not on the order the topics were read in.
 */
class NetmapModelRoutesTest {
  static final String LAN = "192.168.1.0/24";
  static final String WIDE = "192.168.0.0/16";

  static final String AUTO_POLICY =
      """
      {
        "tagOwners": {"tag:router": [], "tag:exit": []},
        "autoApprovers": {
          "routes": {"192.168.0.0/16": ["tag:router"]},
          "exitNode": ["tag:exit"],
        },
        "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
      }
      """;

  private RouteWorld w;

  @BeforeEach
  void world() {
    w = new RouteWorld();
    w.applyAll(w.users());
    w.applyAll(w.join("r1", 1, "ua"));
    w.applyAll(w.join("r2", 2, "ub"));
    w.applyAll(w.join("c", 3, "ua"));
  }

  private List<String> primary(String id) {
    return w.node(id).routes().primary();
  }

  private List<String> inForce(String id) {
    return w.node(id).routes().inForce();
  }

  /** The ids of the nodes a list of changes changed, in order. */
  private static List<String> changed(List<ModelChange> changes) {
    return changes.stream()
        .filter(c -> c instanceof ModelChange.NodeChanged)
        .map(c -> ((ModelChange.NodeChanged) c).nodeId())
        .toList();
  }

  @Test
  void aRouteIsInForceOnlyWhenAdvertisedAndApproved() {
    w.apply(w.online(1, "r1", "i1"));
    w.apply(w.advertise(2, "r1", LAN, "10.1.0.0/16"));
    assertEquals(List.of(), inForce("r1"), "advertised, not approved");
    assertEquals(
        List.of(LAN, "10.1.0.0/16").stream().sorted().toList(), w.node("r1").advertisedRoutes());
    w.apply(w.approve(3, "r1", LAN, "172.16.0.0/12"));
    assertEquals(List.of(LAN), inForce("r1"), "approved but not advertised does not count");
    assertEquals(List.of(LAN), primary("r1"));
    w.apply(w.advertise(4, "r1", "10.1.0.0/16"));
    assertEquals(List.of(), inForce("r1"), "no longer advertised");
    assertEquals(List.of(), primary("r1"));
  }

  @Test
  void theRouterOnlineLongestIsPrimaryAndTheNextTakesOverWhenItGoesOffline() {
    w.applyAll(
        List.of(
            w.advertise(1, "r1", LAN),
            w.advertise(1, "r2", LAN),
            w.approve(1, "r1", LAN),
            w.approve(1, "r2", LAN),
            w.online(5, "r2", "i1"),
            w.online(3, "r1", "i2")));
    assertEquals(List.of(LAN), primary("r1"), "online since 3 s, r2 since 5 s");
    assertEquals(List.of(), primary("r2"));
    assertEquals(List.of(LAN), inForce("r2"), "a standby has the route in force");

    List<ModelChange> failover = w.apply(w.offline(10, "r1", "i2"));
    assertEquals(List.of("r1", "r2"), changed(failover), "one event, two nodes changed");
    assertEquals(List.of(), primary("r1"));
    assertEquals(List.of(LAN), primary("r2"));
    var r2 = (ModelChange.NodeChanged) failover.get(1);
    assertEquals(List.of(), r2.before().routes().primary());
    assertEquals(List.of(LAN), r2.after().routes().primary());

    w.apply(w.online(12, "r1", "i2"));
    assertEquals(List.of(LAN), primary("r2"), "the old primary does not take the prefix back");
    assertEquals(List.of(), primary("r1"));

    // Moving between instances (a NodeOnline while online) keeps r2's seniority.
    w.apply(w.online(14, "r2", "i3"));
    w.apply(w.offline(15, "r2", "i1")); // the old instance's late offline does not count
    assertEquals(List.of(LAN), primary("r2"));
  }

  @Test
  void equalTimesAreBrokenByNodeId() {
    w.applyAll(
        List.of(
            w.advertise(1, "r2", LAN),
            w.approve(1, "r2", LAN),
            w.online(2, "r2", "i1"),
            w.advertise(1, "r1", LAN),
            w.approve(1, "r1", LAN),
            w.online(2, "r1", "i1")));
    assertEquals(List.of(LAN), primary("r1"));
    assertEquals(List.of(), primary("r2"));
  }

  @Test
  void unApprovalAndRemovalMoveThePrefix() {
    w.applyAll(
        List.of(
            w.advertise(1, "r1", LAN),
            w.advertise(1, "r2", LAN),
            w.approve(1, "r1", LAN),
            w.approve(1, "r2", LAN),
            w.online(2, "r1", "i1"),
            w.online(3, "r2", "i1")));
    assertEquals(List.of(LAN), primary("r1"));
    List<ModelChange> c = w.apply(w.approve(4, "r1"));
    assertEquals(List.of("r1", "r2"), changed(c));
    assertEquals(List.of(), inForce("r1"));
    assertEquals(List.of(LAN), primary("r2"));

    // The election is a function of the state: approved again, r1 is the one online longest.
    w.apply(w.approve(5, "r1", LAN));
    assertEquals(List.of(LAN), primary("r1"));
    List<ModelChange> gone = w.apply(w.removed(6, "r1"));
    assertEquals(List.of("r1", "r2"), changed(gone));
    assertTrue(((ModelChange.NodeChanged) gone.get(0)).after() == null);
    assertEquals(List.of(LAN), primary("r2"), "the removed router's prefix moves");
  }

  @Test
  void overlappingPrefixesAreElectedIndependently() {
    w.applyAll(
        List.of(
            w.advertise(1, "r1", LAN),
            w.approve(1, "r1", LAN),
            w.online(5, "r1", "i1"),
            w.advertise(1, "r2", WIDE, LAN),
            w.approve(1, "r2", WIDE, LAN),
            w.online(2, "r2", "i1")));
    assertEquals(List.of(WIDE, LAN), primary("r2"), "r2 is online longer: both its prefixes");
    assertEquals(List.of(), primary("r1"));
    w.apply(w.approve(6, "r2", WIDE));
    assertEquals(List.of(WIDE), primary("r2"));
    assertEquals(List.of(LAN), primary("r1"), "the /24 is elected apart from the /16");
  }

  @Test
  void autoApproversApproveWithoutAnAdminAndAPolicyEditCanWithdrawIt() {
    w.applyAll(w.join("t", 4, "", "tag:router"));
    w.applyAll(w.join("x", 5, "", "tag:exit"));
    w.apply(w.policy(1, AUTO_POLICY));
    w.applyAll(
        List.of(
            w.online(2, "t", "i1"),
            w.online(2, "x", "i1"),
            w.online(2, "r1", "i1"),
            w.advertise(3, "t", LAN, "10.0.0.0/8"),
            w.advertise(3, "x", "0.0.0.0/0", "::/0"),
            w.advertise(3, "r1", LAN, "0.0.0.0/0", "::/0")));
    NodeView t = w.node("t");
    assertEquals(List.of(LAN), t.routes().inForce(), "10.0.0.0/8 lies outside 192.168.0.0/16");
    assertEquals(List.of(LAN), t.routes().autoApproved());
    assertEquals(List.of(LAN), t.routes().primary());
    NodeView x = w.node("x");
    assertEquals(List.of("0.0.0.0/0", "::/0"), x.routes().inForce());
    assertTrue(x.routes().exitNode());
    assertEquals(List.of(), x.routes().primary(), "exit routes have no primary");
    assertEquals(List.of(), inForce("r1"), "alice is not an auto-approver");

    List<ModelChange> edit =
        w.apply(w.policy(4, "{\"tagOwners\": {\"tag:router\": [], \"tag:exit\": []}}"));
    assertTrue(edit.get(0) instanceof ModelChange.PolicyChanged);
    assertEquals(List.of("t", "x"), changed(edit));
    assertEquals(List.of(), w.node("t").routes().inForce());
    assertFalse(w.node("x").routes().exitNode());
  }

  @Test
  void anExitNodeIsBothDefaultRoutesOrNeither() {
    w.applyAll(
        List.of(
            w.online(1, "r1", "i1"),
            w.advertise(1, "r1", "0.0.0.0/0", "::/0"),
            w.approve(2, "r1", "0.0.0.0/0")));
    assertEquals(List.of(), inForce("r1"), "only one of the two approved");
    w.apply(w.approve(3, "r1", "0.0.0.0/0", "::/0"));
    assertTrue(w.node("r1").routes().exitNode());
  }

  @Test
  void anInvalidAdvertisedListCountsAsNoRoutes() {
    w.apply(w.approve(1, "r1", LAN));
    w.apply(w.online(1, "r1", "i1"));
    for (String[] bad :
        new String[][] {
          {LAN, "0.0.0.0/0"}, // one default route alone
          {"192.168.1.1/24"}, // host bits
          {"100.64.0.0/24"}, // the tailnet's own range
          {"not-a-route"},
        }) {
      w.apply(w.advertise(2, "r1", LAN));
      assertEquals(List.of(LAN), inForce("r1"));
      w.apply(w.advertise(3, "r1", bad));
      assertEquals(List.of(), w.node("r1").advertisedRoutes(), String.join(",", bad));
      assertEquals(List.of(), inForce("r1"));
    }
  }

  @Test
  void everyOrderOfReadingTheTopicsElectsTheSamePrimaries() {
    // Per topic in order (keys: registrations and approvals; coordinator: reports and presence;
    // policy), interleaved at random as instances that start at different times read them.
    RouteWorld fresh = new RouteWorld();
    List<EventEnvelope> keys = new ArrayList<>(fresh.users());
    keys.addAll(fresh.join("r1", 1, "ua"));
    keys.addAll(fresh.join("r2", 2, "ub"));
    keys.addAll(fresh.join("t", 4, "", "tag:router"));
    keys.add(fresh.approve(1, "r1", LAN, WIDE));
    keys.add(fresh.approve(1, "r2", LAN));
    List<EventEnvelope> coordinator =
        List.of(
            fresh.advertise(1, "r1", LAN, WIDE),
            fresh.advertise(1, "r2", LAN),
            fresh.advertise(1, "t", LAN, WIDE),
            fresh.online(4, "r2", "i1"),
            fresh.online(2, "r1", "i1"),
            fresh.online(3, "t", "i2"),
            fresh.offline(5, "r1", "i1"),
            fresh.online(6, "r1", "i1"));
    List<EventEnvelope> policy = List.of(fresh.policy(1, AUTO_POLICY));
    Map<String, NodeView.DerivedRoutes> want = null;
    Random random = new Random(7);
    for (int run = 0; run < 40; run++) {
      RouteWorld m = new RouteWorld();
      List<List<EventEnvelope>> topics = List.of(keys, coordinator, policy);
      int[] at = new int[3];
      while (at[0] < keys.size() || at[1] < coordinator.size() || at[2] < policy.size()) {
        int t = random.nextInt(3);
        if (at[t] < topics.get(t).size()) {
          m.apply(topics.get(t).get(at[t]++));
        }
      }
      Map<String, NodeView.DerivedRoutes> got = new TreeMap<>();
      for (String id : List.of("r1", "r2", "t")) {
        got.put(id, m.node(id).routes());
      }
      if (want == null) {
        want = got;
        // t online since 3 s, r2 since 4 s, r1 since 6 s (it went offline at 5 s).
        assertEquals(List.of(WIDE, LAN), got.get("t").primary());
        assertEquals(List.of(), got.get("r1").primary());
        assertEquals(List.of(WIDE, LAN), got.get("r1").inForce(), "approved by an admin");
        assertEquals(List.of(), got.get("r1").autoApproved(), "alice is no auto-approver");
        assertEquals(List.of(LAN, WIDE).stream().sorted().toList(), got.get("t").inForce());
      }
      assertEquals(want, got, "run " + run);
    }
  }
}
