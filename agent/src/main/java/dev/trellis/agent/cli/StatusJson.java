package dev.trellis.agent.cli;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import java.time.Instant;
import java.util.List;

/**
 * Renders an {@link AgentStatus} as the JSON of {@code trellis status --json}:
 *
 * <pre>
 * {"state":"Running","message":"","authUrl":"","loginServer":"http://...","tun":"trellis0",
 *  "listenPort":41641,
 *  "self":{"id","name","addresses":[...],"nodeKey","online","lastHandshake","endpoint",
 *          "connection","rxBytes","txBytes","keyExpiry","expired","os","owner",
 *          "advertisedRoutes":[...],"approvedRoutes":[...],"primaryRoutes":[...],
 *          "exitNodeOption","exitNodeActive"} | null,
 *  "peers":[ same shape as self ], "exitNode":"name asked for, or empty"}
 * </pre>
 *
 * Times are ISO-8601 strings or null; {@code online} is true, false or null (unknown).
 *
 * <p>Thread-safety: stateless.
 */
final class StatusJson {
  private StatusJson() {}

  static String render(AgentStatus s) {
    StringBuilder b = new StringBuilder("{");
    field(b, "state", s.state()).append(',');
    field(b, "message", s.message()).append(',');
    field(b, "authUrl", s.authUrl()).append(',');
    field(b, "loginServer", s.loginServer()).append(',');
    field(b, "tun", s.tun()).append(',');
    b.append("\"listenPort\":").append(s.listenPort()).append(',');
    b.append("\"filterDrops\":").append(s.filterDrops()).append(',');
    field(b, "exitNode", s.exitNode()).append(',');
    b.append("\"self\":");
    node(b, s.self());
    b.append(",\"peers\":[");
    for (int i = 0; i < s.peers().size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      node(b, s.peers().get(i));
    }
    return b.append("]}").toString();
  }

  private static void node(StringBuilder b, NodeView n) {
    if (n == null) {
      b.append("null");
      return;
    }
    b.append('{');
    field(b, "id", n.id()).append(',');
    field(b, "name", n.name()).append(',');
    b.append("\"addresses\":");
    strings(b, n.addresses());
    b.append(',');
    field(b, "nodeKey", n.nodeKey()).append(',');
    b.append("\"online\":").append(n.online() == null ? "null" : n.online().toString()).append(',');
    time(b, "lastHandshake", n.lastHandshake()).append(',');
    field(b, "endpoint", n.endpoint()).append(',');
    field(b, "connection", n.connection()).append(',');
    b.append("\"rxBytes\":").append(n.rxBytes()).append(',');
    b.append("\"txBytes\":").append(n.txBytes()).append(',');
    time(b, "keyExpiry", n.keyExpiry()).append(',');
    b.append("\"expired\":").append(n.expired()).append(',');
    field(b, "os", n.os()).append(',');
    field(b, "owner", n.owner()).append(',');
    b.append("\"advertisedRoutes\":");
    strings(b, n.routes().advertised());
    b.append(",\"approvedRoutes\":");
    strings(b, n.routes().approved());
    b.append(",\"primaryRoutes\":");
    strings(b, n.routes().primary());
    b.append(",\"exitNodeOption\":").append(n.routes().exitNodeOption());
    b.append(",\"exitNodeActive\":").append(n.routes().exitNodeActive());
    b.append('}');
  }

  private static StringBuilder time(StringBuilder b, String k, Instant t) {
    if (t == null) {
      return b.append('"').append(k).append("\":null");
    }
    return field(b, k, t.toString());
  }

  private static void strings(StringBuilder b, List<String> l) {
    b.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      quote(b, l.get(i));
    }
    b.append(']');
  }

  private static StringBuilder field(StringBuilder b, String k, String v) {
    quote(b, k);
    b.append(':');
    quote(b, v == null ? "" : v);
    return b;
  }

  /** A JSON string literal (RFC 8259 escapes). */
  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
