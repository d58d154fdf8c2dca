package dev.trellis.agent.localapi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request on the control socket, in its text form: the verb on the first line, then {@code
 * key=value} lines, then an empty line. {@code get} (the standalone {@code wg show} request) is a
 * bare first line, as before.
 *
 * <pre>
 * up                         start the tunnel; fields: login_server (required), auth_key,
 * login_server=URL           hostname, advertise_tags (comma-separated), force_reauth=true,
 * auth_key=tskey-...         control_key (mkey:HEX to pin instead of fetching),
 *                            accept_dns=true|false, and the route fields of set
 *                            (empty line)
 * set                        change route preferences without logging in again; fields (each
 *                            optional): advertise_routes (comma-separated CIDRs, empty clears),
 *                            advertise_exit_node, accept_routes, exit_node_allow_lan_access,
 *                            snat_subnet_routes (true|false), exit_node (name or address, empty
 *                            clears)
 * status | down | logout     no fields
 * netcheck                   no fields: UDP, public address, NAT kind, relay latencies, port mapping
 * ping                       fields: peer (name, address or node key), count (1..100)
 * dns                        no fields: the resolver's state and counters
 * get                        the WireGuard interface status (StatusCodec), single line
 * </pre>
 *
 * @param verb the request's verb
 * @param fields its fields (at most once each)
 *     <p>Thread-safety: immutable. {@link #toString} never shows the auth key.
 */
public record Request(String verb, Map<String, String> fields) {
  /** The largest request text the server reads. */
  public static final int MAX_BYTES = 16 * 1024;

  /** The route preference fields {@code up} and {@code set} take. */
  public static final Set<String> ROUTE_FIELDS =
      Set.of(
          "advertise_routes",
          "advertise_exit_node",
          "accept_routes",
          "exit_node",
          "exit_node_allow_lan_access",
          "snat_subnet_routes");

  private static final Map<String, Set<String>> VERBS =
      Map.of(
          "get", Set.of(),
          "status", Set.of(),
          "down", Set.of(),
          "logout", Set.of(),
          "netcheck", Set.of(),
          "dns", Set.of(),
          "ping", Set.of("peer", "count"),
          "set", ROUTE_FIELDS,
          "up",
              union(
                  ROUTE_FIELDS,
                  Set.of(
                      "login_server",
                      "auth_key",
                      "hostname",
                      "advertise_tags",
                      "force_reauth",
                      "control_key",
                      "accept_dns")));

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  public Request {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The field's value, or {@code fallback}. */
  public String get(String key, String fallback) {
    return fields.getOrDefault(key, fallback);
  }

  /** The text form, ending with an empty line. */
  public String encode() {
    StringBuilder b = new StringBuilder(verb).append('\n');
    for (Map.Entry<String, String> e : fields.entrySet()) {
      b.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return b.append('\n').toString();
  }

  /**
   * Parses the lines of one request (without the final empty line).
   *
   * @throws IllegalArgumentException saying what is wrong (never quoting a value)
   */
  public static Request parse(List<String> lines) {
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new IllegalArgumentException("empty request");
    }
    String verb = lines.get(0).strip();
    Set<String> allowed = VERBS.get(verb);
    if (allowed == null) {
      throw new IllegalArgumentException(
          "unknown request '"
              + clip(verb)
              + "' (expected one of "
              + new ArrayList<>(VERBS.keySet())
              + ")");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("request line " + (i + 1) + ": expected key=value");
      }
      String k = line.substring(0, eq);
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("'" + verb + "' takes no field '" + clip(k) + "'");
      }
      String v = line.substring(eq + 1);
      for (int c = 0; c < v.length(); c++) {
        if (Character.isISOControl(v.charAt(c))) {
          throw new IllegalArgumentException("field '" + k + "' has a control character");
        }
      }
      if (fields.put(k, v) != null) {
        throw new IllegalArgumentException("field '" + k + "' appears twice");
      }
    }
    return new Request(verb, fields);
  }

  private static String clip(String s) {
    String t = s.length() > 32 ? s.substring(0, 32) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>(fields);
    shown.computeIfPresent("auth_key", (k, v) -> "<redacted>");
    return "Request[" + verb + " " + shown + "]";
  }
}
