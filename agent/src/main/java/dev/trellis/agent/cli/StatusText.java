package dev.trellis.agent.cli;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeRoutes;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.netmap.PeerName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders an {@link AgentStatus} for people: the state (and why), a warning when this device's key
 * expires within {@link #WARN_BEFORE}, then one line per node: its 100.x address, name, owner (the
 * user's login name, or the node's tags), operating system, how traffic flows ({@code active;
 * direct ip:port}, {@code active; relay "region"}, {@code idle}, {@code offline}, {@code expired})
 * and the bytes sent and received. Nodes in this device's own MagicDNS domain show their short name
 * (what {@code ping nas} resolves), others their full name. Routes: what this device offers and has
 * in force, the exit node it uses, and per peer its routes in force (primary or standby) and
 * whether it is an exit node (and the one in use).
 *
 * <pre>
 * state: Running
 * routes: offers 192.168.1.0/24, exit node; in force 192.168.1.0/24 (primary)
 * exit node: gw
 * 100.64.0.1  laptop  alice@example.com  linux  self
 * 100.64.0.2  server  tag:server         linux  active; direct 10.0.0.2:41641  tx 1.2 KiB  rx 880 B
 *     routes 10.1.0.0/16 (primary)
 * 100.64.0.4  gw      tag:exit           linux  active; relay "fra"  exit node (in use)
 * 100.64.0.3  phone   bob@example.com    ios    offline
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class StatusText {
  /** How long before this device's key expires the status warns. */
  static final Duration WARN_BEFORE = Duration.ofDays(14);

  private StatusText() {}

  static String render(AgentStatus s, Instant now) {
    StringBuilder b = new StringBuilder();
    b.append("state: ").append(s.state());
    if (!s.message().isEmpty()) {
      b.append(" (").append(s.message()).append(')');
    }
    b.append('\n');
    if (!s.authUrl().isEmpty()) {
      b.append("log in at: ").append(s.authUrl()).append('\n');
    }
    NodeView self = s.self();
    if (self != null && self.keyExpiry() != null) {
      Duration left = Duration.between(now, self.keyExpiry());
      if (left.isNegative() || left.isZero()) {
        b.append("warning: this device's key expired at ")
            .append(self.keyExpiry())
            .append("; run 'trellis up --force-reauth'\n");
      } else if (left.compareTo(WARN_BEFORE) <= 0) {
        b.append("warning: this device's key expires in ")
            .append(left.toDays() >= 1 ? left.toDays() + " days" : left.toHours() + " hours")
            .append(" (")
            .append(self.keyExpiry())
            .append("); run 'trellis up --force-reauth' to renew it\n");
      }
    }
    if (self != null) {
      String own = ownRoutes(self.routes());
      if (!own.isEmpty()) {
        b.append("routes: ").append(own).append('\n');
      }
    }
    if (!s.exitNode().isEmpty()) {
      NodeView active =
          s.peers().stream().filter(p -> p.routes().exitNodeActive()).findFirst().orElse(null);
      b.append("exit node: ")
          .append(
              active != null
                  ? display(active.name(), s)
                  : s.exitNode() + " (not in use: no approved exit node by that name)")
          .append('\n');
    }
    List<String[]> rows = new ArrayList<>();
    if (self != null) {
      rows.add(
          new String[] {
            ipv4(self), display(self.name(), s), dash(self.owner()), dash(self.os()), "self", "", ""
          });
    }
    for (NodeView p : s.peers()) {
      boolean moving = p.txBytes() > 0 || p.rxBytes() > 0;
      rows.add(
          new String[] {
            ipv4(p),
            display(p.name(), s),
            dash(p.owner()),
            dash(p.os()),
            path(p),
            moving ? "tx " + bytes(p.txBytes()) + "  rx " + bytes(p.rxBytes()) : "",
            peerRoutes(p.routes())
          });
    }
    int[] w = new int[7];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]).append(" ".repeat(w[i] - r[i].length() + 2));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  /** What this device offers and has in force ("" when nothing). */
  static String ownRoutes(NodeRoutes r) {
    List<String> parts = new ArrayList<>();
    if (!r.advertised().isEmpty()) {
      parts.add("offers " + String.join(", ", named(r.advertised(), r.primary(), false)));
    }
    if (!r.approved().isEmpty()) {
      parts.add("in force " + String.join(", ", named(r.approved(), r.primary(), true)));
    }
    return String.join("; ", parts);
  }

  /** A peer's routes in force and its exit node role ("" when none). */
  static String peerRoutes(NodeRoutes r) {
    List<String> parts = new ArrayList<>();
    List<String> subnets =
        named(r.approved(), r.primary(), true).stream().filter(x -> !x.equals(EXIT)).toList();
    if (!subnets.isEmpty()) {
      parts.add("routes " + String.join(", ", subnets));
    }
    if (r.exitNodeActive()) {
      parts.add(EXIT + " (in use)");
    } else if (r.exitNodeOption()) {
      parts.add(EXIT);
    }
    return String.join("; ", parts);
  }

  private static final String EXIT = "exit node";

  /** Routes as people read them: the two /0s as "exit node", subnets (primary or standby). */
  private static List<String> named(List<String> routes, List<String> primary, boolean role) {
    List<String> out = new ArrayList<>();
    boolean exit = false;
    for (String r : routes) {
      if (r.equals("0.0.0.0/0") || r.equals("::/0")) {
        exit = true;
      } else {
        out.add(role ? r + (primary.contains(r) ? " (primary)" : " (standby)") : r);
      }
    }
    if (exit) {
      out.add(EXIT);
    }
    return out;
  }

  /** How traffic to {@code p} flows, as a person reads it. */
  static String path(NodeView p) {
    if (p.expired()) {
      return "expired";
    }
    if (Boolean.FALSE.equals(p.online())) {
      return "offline";
    }
    String c = p.connection();
    if (c.equals("direct")) {
      return "active; direct " + p.endpoint();
    }
    if (c.startsWith("relay:")) {
      return "active; relay \"" + c.substring(6) + "\"";
    }
    if (c.startsWith("udp-relay:")) {
      return "active; udp-relay \"" + c.substring(10) + "\" " + p.endpoint();
    }
    return c.isEmpty() ? "idle" : c;
  }

  /** Bytes in B, KiB, MiB or GiB with one decimal. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  /** The short name of a node in this device's MagicDNS domain, else the full name. */
  static String display(String name, AgentStatus s) {
    String full = PeerName.full(name);
    if (s.self() == null) {
      return full;
    }
    String own = PeerName.full(s.self().name());
    int dot = own.indexOf('.');
    String domain = dot > 0 ? own.substring(dot) : "";
    return !domain.isEmpty()
            && full.endsWith(domain)
            && full.indexOf('.') == full.length() - domain.length()
        ? PeerName.shortName(full)
        : full;
  }

  static String ipv4(NodeView n) {
    for (String a : n.addresses()) {
      if (!a.contains(":")) {
        return strip(a);
      }
    }
    return n.addresses().isEmpty() ? "-" : strip(n.addresses().get(0));
  }

  static String strip(String cidr) {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }
}
