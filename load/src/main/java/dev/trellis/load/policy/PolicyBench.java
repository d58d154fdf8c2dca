package dev.trellis.load.policy;

import dev.trellis.policyengine.compile.Change;
import dev.trellis.policyengine.compile.Compilation;
import dev.trellis.policyengine.compile.Node;
import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.event.v1.UserRole;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Prints how long the policy compiler takes for tailnets of 1k, 5k and 10k nodes under a realistic
 * policy (department groups reaching tagged servers on a few ports, everyone reaching their own
 * devices, IT reaching everything on SSH, monitoring scraping everything, admins reaching all), and
 * what one node joining costs incrementally.
 *
 * <p>Usage: {@code PolicyBench [--sizes 1000,5000,10000] [--joins 200]}.
 *
 * <p>Thread-safety: main thread only.
 */
public final class PolicyBench {
  private static final String[] DEPARTMENTS = {
    "eng", "sales", "support", "finance", "hr", "it", "design", "legal", "ops", "research"
  };
  private static final int SERVER_TAGS = 20;

  private PolicyBench() {}

  public static void main(String[] args) {
    int[] sizes = {1000, 5000, 10000};
    int joins = 200;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sizes" ->
            sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--joins" -> joins = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    System.out.printf(
        "%7s %6s %9s %10s %12s %12s %11s %10s %11s %12s %11s%n",
        "nodes",
        "users",
        "load ms",
        "compile ms",
        "filters ms",
        "peers ms",
        "avg peers",
        "join us",
        "refetch us",
        "join filters",
        "join peers");
    run(500, 50, false);
    for (int n : sizes) {
      run(n, joins, true);
    }
  }

  static String policy(int users) {
    StringBuilder groups = new StringBuilder();
    for (int d = 0; d < DEPARTMENTS.length; d++) {
      List<String> members = new ArrayList<>();
      for (int u = d; u < users; u += DEPARTMENTS.length) {
        members.add("\"user" + u + "@example.com\"");
      }
      groups.append("\"group:").append(DEPARTMENTS[d]).append("\": ").append(members).append(",\n");
    }
    StringBuilder tags = new StringBuilder("\"tag:monitoring\": [\"group:it\"],\n");
    for (int t = 0; t < SERVER_TAGS; t++) {
      tags.append("\"tag:svc").append(t).append("\": [\"group:it\", \"group:ops\"],\n");
    }
    StringBuilder acls = new StringBuilder();
    for (int t = 0; t < SERVER_TAGS; t++) {
      String dept = DEPARTMENTS[t % DEPARTMENTS.length];
      acls.append(
          "{\"action\": \"accept\", \"src\": [\"group:%s\"], \"dst\": [\"tag:svc%d:443,8080-8090\"]},\n"
              .formatted(dept, t));
    }
    acls.append(
        """
        {"action": "accept", "src": ["group:it"], "proto": "tcp", "dst": ["*:22"]},
        {"action": "accept", "src": ["tag:monitoring"], "dst": ["*:9100"]},
        {"action": "accept", "src": ["autogroup:admin"], "dst": ["*:*"]},
        {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
        {"action": "accept", "src": ["autogroup:member"], "proto": "udp", "dst": ["dns:53"]},
        """);
    return """
        {
          "groups": {%s},
          "hosts": {"dns": "100.64.0.53"},
          "tagOwners": {%s},
          "acls": [%s],
          "tests": [{"src": "user0@example.com", "accept": ["tag:svc0:443"], "deny": ["tag:svc1:443"]}],
        }
        """
        .formatted(groups, tags, acls);
  }

  static Node node(Random r, int i, int users) {
    int user = r.nextInt(users);
    Set<String> tags =
        r.nextInt(10) < 3
            ? Set.of(r.nextInt(20) == 0 ? "tag:monitoring" : "tag:svc" + r.nextInt(SERVER_TAGS))
            : Set.of();
    UserRole role = user % 97 == 0 ? UserRole.ADMIN : UserRole.MEMBER;
    return new Node(
        "node" + i,
        List.of(
            InetAddress.ofLiteral(
                "100.%d.%d.%d".formatted(64 + (i >> 16), (i >> 8) & 0xff, i & 0xff)),
            InetAddress.ofLiteral("fd7a:115c:a1e0::" + Integer.toHexString(i + 1))),
        "user" + user + "@example.com",
        role,
        tags);
  }

  static void run(int n, int joins, boolean print) {
    int users = Math.max(10, n / 3);
    String text = policy(users);
    long t0 = System.nanoTime();
    PolicyLoader.Result loaded = PolicyLoader.load(text);
    long loadNs = System.nanoTime() - t0;
    Policy p =
        loaded.policy().orElseThrow(() -> new IllegalStateException(loaded.problems().toString()));
    Random r = new Random(n);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(node(r, i, users));
    }
    long t1 = System.nanoTime();
    Compilation c = new Compilation(p, nodes);
    long compileNs = System.nanoTime() - t1;
    long t2 = System.nanoTime();
    long rules = 0;
    for (Node x : nodes) {
      rules += c.filterFor(x.id()).size();
    }
    long filtersNs = System.nanoTime() - t2;
    long t3 = System.nanoTime();
    long peers = 0;
    for (Node x : nodes) {
      peers += c.peersOf(x.id()).size();
    }
    long peersNs = System.nanoTime() - t3;
    long joinNs = 0;
    long refetchNs = 0;
    long joinFilters = 0;
    long joinPeers = 0;
    for (int j = 0; j < joins; j++) {
      Node x = node(r, n + j, users);
      long s = System.nanoTime();
      Change ch = c.upsert(x);
      long mid = System.nanoTime();
      // The coordinator would now fetch the filters of the nodes whose filter changed.
      for (String id : ch.filtersChanged()) {
        c.filterFor(id);
      }
      long e = System.nanoTime();
      joinNs += e - s;
      refetchNs += e - mid;
      joinFilters += ch.filtersChanged().size();
      joinPeers += ch.peers().size();
      c.remove(x.id());
    }
    if (print) {
      System.out.printf(
          "%7d %6d %9.1f %10.1f %12.1f %12.1f %11.0f %10.1f %11.1f %12.0f %11.0f%n",
          n,
          users,
          loadNs / 1e6,
          compileNs / 1e6,
          filtersNs / 1e6,
          peersNs / 1e6,
          peers / (double) n,
          joinNs / 1e3 / joins,
          refetchNs / 1e3 / joins,
          joinFilters / (double) joins,
          joinPeers / (double) joins);
      if (rules == 0) {
        System.out.println("(no filter rules?)");
      }
    }
  }
}
