package dev.trellis.agent.localapi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of an {@link AgentStatus} on the control socket: one {@code key=value} per line,
 * {@code node=self} or {@code node=peer} starting each node, an empty line ending the message.
 *
 * <pre>
 * state=Running
 * message=...                (optional)
 * auth_url=...               (optional)
 * login_server=http://...
 * tun=trellis0
 * listen_port=41641
 * node=self|peer             starts a node; then its fields:
 * id= name= node_key= endpoint= connection=
 * address=100.64.0.1/32      (repeated)
 * online=true|false          (absent: unknown)
 * last_handshake_ms=N        (absent: never)
 * key_expiry_ms=N            (absent: never)
 * rx_bytes=N tx_bytes=N expired=true|false
 * os=linux                   (optional)
 * owner=alice@example.com    (optional; tags as "tag:a,tag:b" for a tagged node)
 * advertised_route=CIDR      (repeated; the routes it offers)
 * approved_route=CIDR        (repeated; the routes in force for it)
 * primary_route=CIDR         (repeated; the subnet routes it carries now)
 * exit_node_option=true      (optional; it is an approved exit node)
 * exit_node_active=true      (optional; this device's exit node)
 * </pre>
 *
 * and, before the nodes, {@code exit_node=NAME} (optional; the exit node this device asked for).
 *
 * <p>A key this version does not know (a newer daemon's field) is skipped, as long as it is a
 * well-formed key ({@code [a-z][a-z0-9_]*}); a known key with a malformed value is an error.
 *
 * <p>Thread-safety: stateless.
 */
public final class AgentStatusCodec {
  private AgentStatusCodec() {}

  /** Encodes a status, ending with an empty line. */
  public static String encode(AgentStatus s) {
    StringBuilder b = new StringBuilder();
    line(b, "state", s.state());
    line(b, "message", s.message());
    line(b, "auth_url", s.authUrl());
    line(b, "login_server", s.loginServer());
    line(b, "tun", s.tun());
    line(b, "listen_port", Integer.toString(s.listenPort()));
    line(b, "filter_drops", Long.toString(s.filterDrops()));
    line(b, "exit_node", s.exitNode());
    if (s.self() != null) {
      node(b, "self", s.self());
    }
    for (NodeView p : s.peers()) {
      node(b, "peer", p);
    }
    return b.append('\n').toString();
  }

  private static void node(StringBuilder b, String kind, NodeView n) {
    line(b, "node", kind);
    line(b, "id", n.id());
    line(b, "name", n.name());
    for (String a : n.addresses()) {
      line(b, "address", a);
    }
    line(b, "node_key", n.nodeKey());
    if (n.online() != null) {
      line(b, "online", n.online().toString());
    }
    if (n.lastHandshake() != null) {
      line(b, "last_handshake_ms", Long.toString(n.lastHandshake().toEpochMilli()));
    }
    line(b, "endpoint", n.endpoint());
    line(b, "connection", n.connection());
    line(b, "rx_bytes", Long.toString(n.rxBytes()));
    line(b, "tx_bytes", Long.toString(n.txBytes()));
    if (n.keyExpiry() != null) {
      line(b, "key_expiry_ms", Long.toString(n.keyExpiry().toEpochMilli()));
    }
    line(b, "expired", Boolean.toString(n.expired()));
    line(b, "os", n.os());
    line(b, "owner", n.owner());
    NodeRoutes r = n.routes();
    r.advertised().forEach(x -> line(b, "advertised_route", x));
    r.approved().forEach(x -> line(b, "approved_route", x));
    r.primary().forEach(x -> line(b, "primary_route", x));
    if (r.exitNodeOption()) {
      line(b, "exit_node_option", "true");
    }
    if (r.exitNodeActive()) {
      line(b, "exit_node_active", "true");
    }
  }

  private static void line(StringBuilder b, String k, String v) {
    if (v == null || v.isEmpty()) {
      return;
    }
    b.append(k).append('=').append(v.replaceAll("[\\r\\n]", " ")).append('\n');
  }

  /**
   * Decodes the lines of one message (without the final empty line).
   *
   * @throws IllegalArgumentException naming the line when the text is malformed
   */
  public static AgentStatus decode(List<String> lines) {
    String state = null;
    String message = "";
    String authUrl = "";
    String server = "";
    String tun = "";
    int port = 0;
    long filterDrops = 0;
    String exitNode = "";
    NodeFields self = null;
    List<NodeFields> peers = new ArrayList<>();
    NodeFields cur = null;
    int n = 0;
    for (String line : lines) {
      n++;
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("status line " + n + ": expected key=value");
      }
      String k = line.substring(0, eq);
      String v = line.substring(eq + 1);
      try {
        switch (k) {
          case "state" -> state = v;
          case "message" -> message = v;
          case "auth_url" -> authUrl = v;
          case "login_server" -> server = v;
          case "tun" -> tun = v;
          case "listen_port" -> port = Integer.parseInt(v);
          case "filter_drops" -> filterDrops = Long.parseLong(v);
          case "exit_node" -> exitNode = v;
          case "node" -> {
            cur = new NodeFields();
            switch (v) {
              case "self" -> {
                if (self != null) {
                  throw new IllegalArgumentException("two self nodes");
                }
                self = cur;
              }
              case "peer" -> peers.add(cur);
              default -> throw new IllegalArgumentException("node must be self or peer");
            }
          }
          default -> {
            if (cur != null) {
              cur.set(k, v);
            } else {
              newerKey(k);
            }
          }
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("status line " + n + ": " + e.getMessage(), e);
      }
    }
    if (state == null) {
      throw new IllegalArgumentException("status has no state");
    }
    List<NodeView> views = new ArrayList<>();
    for (NodeFields p : peers) {
      views.add(p.build());
    }
    return new AgentStatus(
        state,
        message,
        authUrl,
        server,
        tun,
        port,
        self == null ? null : self.build(),
        views,
        filterDrops,
        exitNode);
  }

  /** A key this version does not know: skipped if well-formed (a newer daemon's), else refused. */
  private static void newerKey(String k) {
    if (!k.matches("[a-z][a-z0-9_]{0,63}")) {
      throw new IllegalArgumentException("malformed key");
    }
  }

  private static final class NodeFields {
    String id;
    String name;
    final List<String> addresses = new ArrayList<>();
    String nodeKey;
    Boolean online;
    Instant handshake;
    String endpoint;
    String connection;
    long rx;
    long tx;
    Instant expiry;
    boolean expired;
    String os;
    String owner;
    final List<String> advertised = new ArrayList<>();
    final List<String> approved = new ArrayList<>();
    final List<String> primary = new ArrayList<>();
    boolean exitOption;
    boolean exitActive;

    void set(String k, String v) {
      switch (k) {
        case "id" -> id = v;
        case "name" -> name = v;
        case "address" -> addresses.add(v);
        case "node_key" -> nodeKey = v;
        case "online" -> online = bool(v);
        case "last_handshake_ms" -> handshake = Instant.ofEpochMilli(Long.parseLong(v));
        case "endpoint" -> endpoint = v;
        case "connection" -> connection = v;
        case "rx_bytes" -> rx = Long.parseLong(v);
        case "tx_bytes" -> tx = Long.parseLong(v);
        case "key_expiry_ms" -> expiry = Instant.ofEpochMilli(Long.parseLong(v));
        case "expired" -> expired = bool(v);
        case "os" -> os = v;
        case "owner" -> owner = v;
        case "advertised_route" -> advertised.add(v);
        case "approved_route" -> approved.add(v);
        case "primary_route" -> primary.add(v);
        case "exit_node_option" -> exitOption = bool(v);
        case "exit_node_active" -> exitActive = bool(v);
        default -> newerKey(k);
      }
    }

    NodeView build() {
      return new NodeView(
          id,
          name,
          addresses,
          nodeKey,
          online,
          handshake,
          endpoint,
          connection,
          rx,
          tx,
          expiry,
          expired,
          os,
          owner,
          new NodeRoutes(advertised, approved, primary, exitOption, exitActive));
    }
  }

  private static boolean bool(String v) {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }
}
