package dev.trellis.agent.cli;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders an {@link AgentStatus} for people: the state (and why), then one line per node: its 100.x
 * address, name, online/offline, connection ("direct ENDPOINT", "idle", "expired") and last
 * handshake.
 *
 * <pre>
 * state: Running
 * 100.64.0.1      laptop.example.ts.net    self
 * 100.64.0.2      server.example.ts.net    online   direct 10.0.0.2:41641  handshake 4s ago
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class StatusText {
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
    List<String[]> rows = new ArrayList<>();
    if (s.self() != null) {
      rows.add(new String[] {ipv4(s.self()), s.self().name(), "self", "", ""});
    }
    for (NodeView p : s.peers()) {
      String online = p.online() == null ? "-" : p.online() ? "online" : "offline";
      String conn = p.connection().equals("direct") ? "direct " + p.endpoint() : p.connection();
      String hs =
          p.lastHandshake() == null
              ? ""
              : "handshake "
                  + Math.max(0, Duration.between(p.lastHandshake(), now).toSeconds())
                  + "s ago";
      rows.add(new String[] {ipv4(p), p.name(), online, conn, hs});
    }
    int[] w = new int[5];
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
