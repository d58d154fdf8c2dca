package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Invariants of incremental compilation, checked on random policies and random sequences of node
 * joins, leaves and changes (addresses, tags, routes in force): after every change the engine's
 * peers and filters equal both a fresh full compile and the pairwise reference, and the change it
 * reported names every node whose filter changed and exactly the peers each node gained and lost.
 */
class IncrementalEqualsFullCompileTest {
  static final String[] USERS = {"u0@x.io", "u1@x.io", "u2@x.io", "u3@x.io"};
  static final String[] TAGS = {"tag:t0", "tag:t1", "tag:t2"};

  static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  static String selector(Random r, boolean dst) {
    return switch (r.nextInt(dst ? 13 : 10)) {
      case 0 -> "*";
      case 1 -> pick(r, USERS);
      case 2 -> pick(r, "group:g0", "group:g1");
      case 3, 4 -> pick(r, TAGS);
      case 5 -> "autogroup:member";
      case 6 -> "autogroup:tagged";
      case 7 -> "autogroup:admin";
      case 8 -> pick(r, "h0", "100.64.0." + r.nextInt(12), "100.64.0.0/" + (28 + r.nextInt(5)));
      case 9 -> pick(r, "group:g0", "tag:t0", "fd7a::" + r.nextInt(12));
      case 10 -> "autogroup:self";
      case 11 -> "autogroup:internet";
      default -> pick(r, "10.0.0.0/8", "10.1.2.0/24", "192.168.1.7", "lan", "2001:db8::/32");
    };
  }

  static String randomPolicy(Random r) {
    StringBuilder acls = new StringBuilder();
    int rules = 1 + r.nextInt(5);
    for (int i = 0; i < rules; i++) {
      List<String> src = new ArrayList<>();
      for (int k = 0, n = 1 + r.nextInt(2); k < n; k++) {
        src.add("\"" + selector(r, false) + "\"");
      }
      List<String> dst = new ArrayList<>();
      for (int k = 0, n = 1 + r.nextInt(2); k < n; k++) {
        dst.add("\"" + selector(r, true) + ":" + pick(r, "*", "22", "80,443", "1000-2000") + "\"");
      }
      String proto = r.nextBoolean() ? "" : ", \"proto\": \"" + pick(r, "tcp", "udp") + "\"";
      acls.append(
          "{\"action\": \"accept\", \"src\": %s, \"dst\": %s%s},".formatted(src, dst, proto));
    }
    return """
        {"groups": {"group:g0": ["u0@x.io", "u1@x.io"], "group:g1": ["u2@x.io"]},
         "hosts": {"h0": "100.64.0.%d", "lan": "192.168.0.0/16"},
         "tagOwners": {"tag:t0": ["group:g0"], "tag:t1": [], "tag:t2": ["tag:t0"]},
         "acls": [%s]}
        """
        .formatted(r.nextInt(12), acls);
  }

  static Node randomNode(Random r, String id) {
    Set<String> tags = new HashSet<>();
    if (r.nextInt(3) == 0) {
      tags.add(pick(r, TAGS));
      if (r.nextBoolean()) {
        tags.add(pick(r, TAGS));
      }
    }
    int last = r.nextInt(12);
    List<InetAddress> addrs = new ArrayList<>();
    addrs.add(InetAddress.ofLiteral("100.64.0." + last));
    if (r.nextBoolean()) {
      addrs.add(InetAddress.ofLiteral("fd7a::" + last));
    }
    UserRole role = r.nextInt(4) == 0 ? UserRole.ADMIN : UserRole.MEMBER;
    List<IpPrefix> routes = new ArrayList<>();
    if (r.nextInt(3) == 0) {
      routes.add(IpPrefix.parse(pick(r, "10.1.0.0/16", "192.168.1.0/24", "2001:db8:1::/48")));
    }
    if (r.nextInt(4) == 0) {
      routes.add(IpPrefix.parse("0.0.0.0/0"));
      routes.add(IpPrefix.parse("::/0"));
    }
    return new Node(id, addrs, pick(r, USERS), role, tags, routes);
  }

  record Snapshot(Map<String, TreeSet<String>> peers, Map<String, List<FilterRule>> filters) {}

  static Snapshot reference(Policy p, Map<String, Node> nodes) {
    ReferenceCompiler ref = new ReferenceCompiler(p, nodes.values());
    Map<String, TreeSet<String>> peers = new TreeMap<>();
    Map<String, List<FilterRule>> filters = new TreeMap<>();
    for (String id : nodes.keySet()) {
      peers.put(id, ref.peersOf(id));
      filters.put(id, ref.filterFor(id));
    }
    return new Snapshot(peers, filters);
  }

  static Snapshot of(Compilation c, Set<String> ids) {
    Map<String, TreeSet<String>> peers = new TreeMap<>();
    Map<String, List<FilterRule>> filters = new TreeMap<>();
    for (String id : ids) {
      TreeSet<String> seen = new TreeSet<>();
      for (String k : ids) {
        if (c.sees(id, k)) {
          seen.add(k);
        }
      }
      assertEquals(c.peersOf(id), seen, "sees (per visibility class) and peersOf of " + id);
      peers.put(id, seen);
      filters.put(id, c.filterFor(id));
    }
    return new Snapshot(peers, filters);
  }

  static void assertSame(Snapshot want, Snapshot got, String what) {
    for (String k : want.peers().keySet()) {
      assertEquals(want.peers().get(k), got.peers().get(k), what + ": peers of " + k);
      assertEquals(
          want.filters().get(k).toString(),
          got.filters().get(k).toString(),
          what + ": filter of " + k);
    }
    assertEquals(want, got, what);
  }

  /** A full compile of this many nodes or more works out their states in parallel. */
  @Test
  void aTailnetLargeEnoughToCompileInParallelEqualsTheReference() {
    for (long seed = 1; seed <= 2; seed++) {
      Random r = new Random(seed);
      PolicyLoader.Result loaded = PolicyLoader.load(randomPolicy(r));
      assertTrue(loaded.accepted(), loaded.problems().toString());
      Policy policy = loaded.policy().orElseThrow();
      Map<String, Node> nodes = new TreeMap<>();
      for (int i = 0; i < 2_100; i++) {
        nodes.put("n" + i, randomNode(r, "n" + i));
      }
      assertSame(
          reference(policy, nodes),
          of(new Compilation(policy, nodes.values()), nodes.keySet()),
          "seed " + seed);
    }
  }

  @Property(tries = 80)
  void incrementalChangesEqualFullRecompileAndReportEveryDifference(@ForAll long seed) {
    Random r = new Random(seed);
    PolicyLoader.Result loaded = PolicyLoader.load(randomPolicy(r));
    assertTrue(loaded.accepted(), loaded.problems().toString());
    Policy policy = loaded.policy().orElseThrow();
    Map<String, Node> nodes = new TreeMap<>();
    for (int i = 0; i < r.nextInt(8); i++) {
      nodes.put("n" + i, randomNode(r, "n" + i));
    }
    Compilation c = new Compilation(policy, nodes.values());
    Snapshot before = reference(policy, nodes);
    assertSame(before, of(c, nodes.keySet()), "initial");
    for (int step = 0; step < 25; step++) {
      String id = "n" + r.nextInt(10);
      Change ch;
      if (nodes.containsKey(id) && r.nextInt(3) == 0) {
        nodes.remove(id);
        ch = c.remove(id);
      } else {
        Node n = randomNode(r, id);
        nodes.put(id, n);
        ch = c.upsert(n);
      }
      Snapshot after = reference(policy, nodes);
      assertSame(after, of(c, nodes.keySet()), "incremental, step " + step);
      assertSame(after, of(new Compilation(policy, nodes.values()), nodes.keySet()), "full");
      for (String k : nodes.keySet()) {
        if (!after.filters().get(k).equals(before.filters().getOrDefault(k, List.of()))) {
          assertTrue(ch.filtersChanged().contains(k), "filter of " + k + " changed unreported");
        }
        Set<String> was = before.peers().getOrDefault(k, new TreeSet<>());
        Set<String> is = after.peers().get(k);
        Set<String> added = new TreeSet<>(is);
        added.removeAll(was);
        Set<String> removed = new TreeSet<>(was);
        removed.removeAll(is);
        Change.PeerDelta d = ch.peers().get(k);
        if (!before.peers().containsKey(k) || !nodes.containsKey(k)) {
          continue;
        }
        assertEquals(added, d == null ? Set.of() : d.added(), "peers added to " + k);
        assertEquals(removed, d == null ? Set.of() : d.removed(), "peers removed from " + k);
      }
      Map<String, Change.PeerDelta> unexpected = new HashMap<>(ch.peers());
      unexpected.keySet().removeAll(nodes.keySet());
      assertEquals(Map.of(), unexpected, "deltas only for nodes that exist");
      before = after;
    }
  }
}
