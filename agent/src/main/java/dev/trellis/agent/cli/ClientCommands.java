package dev.trellis.agent.cli;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.netmap.PeerName;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code trellis} commands that talk to the daemon: {@code up}, {@code set}, {@code status},
 * {@code ip}, {@code down}, {@code logout}, {@code netcheck}, {@code ping}, {@code dns status}.
 * Each sends one {@link Request} over the control socket. Peers are named by short name ({@code
 * nas}), full MagicDNS name or address. Exit status: 0 ok, 1 refused or failed, 2 usage.
 *
 * <p>Thread-safety: runs on the caller's thread.
 */
final class ClientCommands {
  /** Environment variable read for the auth key when no --auth-key is given. */
  static final String AUTH_KEY_ENV = "TRELLIS_AUTH_KEY";

  private ClientCommands() {}

  static int run(
      String command,
      List<String> args,
      Path socket,
      Map<String, String> env,
      PrintStream out,
      PrintStream err)
      throws UsageError, IOException {
    return switch (command) {
      case "up" -> up(args, socket, env, out, err);
      case "set" -> set(args, socket, out, err);
      case "status" -> status(args, socket, out);
      case "ip" -> ip(args, socket, out, err);
      case "down", "logout" -> simple(command, args, socket, out, err);
      case "netcheck" -> lines("netcheck", Map.of(), args, Set.of(), socket, out, err);
      case "dns" -> {
        if (args.isEmpty() || !args.get(0).equals("status")) {
          throw new UsageError("usage: trellis dns status");
        }
        yield lines("dns", Map.of(), args.subList(1, args.size()), Set.of(), socket, out, err);
      }
      case "ping" -> {
        PingArgs p = PingArgs.parse(args);
        yield lines(
            "ping",
            Map.of("peer", p.peer(), "count", Integer.toString(p.count())),
            List.of(),
            Set.of(),
            socket,
            out,
            err);
      }
      default -> throw new UsageError("unknown trellis command '" + command + "'");
    };
  }

  private static int up(
      List<String> args, Path socket, Map<String, String> env, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    // a bare boolean flag means true
    List<String> given =
        RouteArgs.expandBooleans(args, union(RouteArgs.BOOLEANS, Set.of("accept-dns")));
    Flags f =
        new Flags(
            given,
            union(
                RouteArgs.VALUED,
                Set.of(
                    "login-server",
                    "auth-key",
                    "hostname",
                    "advertise-tags",
                    "control-key",
                    "accept-dns")),
            Set.of("force-reauth"),
            RouteArgs.CLEARABLE);
    Map<String, String> fields = new LinkedHashMap<>();
    put(fields, "login_server", f.get("login-server", null));
    put(fields, "auth_key", authKey(f.get("auth-key", null), env));
    put(fields, "hostname", f.get("hostname", null));
    String tags = f.get("advertise-tags", null);
    if (tags != null) {
      for (String t : tags.split(",")) {
        if (!t.strip().matches("tag:[A-Za-z0-9][A-Za-z0-9_-]*")) {
          throw new UsageError("--advertise-tags: '" + t + "' is not tag:name");
        }
      }
      put(fields, "advertise_tags", tags);
    }
    put(fields, "control_key", f.get("control-key", null));
    String acceptDns = f.get("accept-dns", null);
    if (acceptDns != null) {
      if (!acceptDns.equals("true") && !acceptDns.equals("false")) {
        throw new UsageError("--accept-dns: expected true or false, got '" + acceptDns + "'");
      }
      put(fields, "accept_dns", acceptDns);
    }
    if (f.has("force-reauth")) {
      fields.put("force_reauth", "true");
    }
    RouteArgs.put(f, fields);
    List<String> reply =
        ControlClient.call(
            socket,
            new Request("up", fields),
            line -> {
              if (line.startsWith("auth_url=")) {
                out.println("To authenticate, visit:\n\n\t" + line.substring(9) + "\n");
                out.flush();
              }
            });
    return finish("up", reply, out, err);
  }

  /** {@code trellis set}: changes route preferences of a device that is logged in. */
  private static int set(List<String> args, Path socket, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    Flags f =
        new Flags(
            RouteArgs.expandBooleans(args, RouteArgs.BOOLEANS),
            RouteArgs.VALUED,
            Set.of(),
            RouteArgs.CLEARABLE);
    Map<String, String> fields = new LinkedHashMap<>();
    RouteArgs.put(f, fields);
    if (fields.isEmpty()) {
      throw new UsageError("trellis set: nothing to change (see trellis --help)");
    }
    return finish("set", ControlClient.call(socket, new Request("set", fields), l -> {}), out, err);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.HashSet<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private static String authKey(String flag, Map<String, String> env) throws UsageError {
    if (flag == null) {
      String e = env.get(AUTH_KEY_ENV);
      return e == null || e.isBlank() ? null : e.strip();
    }
    if (flag.startsWith("file:")) {
      Path p = Path.of(flag.substring(5));
      try {
        String k = Files.readString(p, StandardCharsets.UTF_8).strip();
        if (k.isEmpty() || k.contains("\n")) {
          throw new UsageError("--auth-key " + flag + ": the file must hold one key on one line");
        }
        return k;
      } catch (IOException e) {
        throw new UsageError("--auth-key " + flag + ": cannot read " + p + ": " + e.getMessage());
      }
    }
    return flag;
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }

  /** Sends a request and prints each reply line ("key: value") as it arrives. */
  private static int lines(
      String verb,
      Map<String, String> fields,
      List<String> args,
      Set<String> valued,
      Path socket,
      PrintStream out,
      PrintStream err)
      throws UsageError, IOException {
    new Flags(args, valued, Set.of());
    List<String> reply =
        ControlClient.call(
            socket,
            new Request(verb, fields),
            line -> {
              int eq = line.indexOf('=');
              String k = eq > 0 ? line.substring(0, eq) : line;
              if (!k.equals("result") && !k.equals("error_code") && !k.equals("message")) {
                out.println(k.replace('_', ' ') + ": " + line.substring(eq + 1));
                out.flush();
              }
            });
    return finish(verb, reply, out, err);
  }

  private static int simple(
      String verb, List<String> args, Path socket, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    new Flags(args, Set.of(), Set.of());
    return finish(verb, ControlClient.call(socket, new Request(verb, Map.of()), l -> {}), out, err);
  }

  private static int finish(String verb, List<String> reply, PrintStream out, PrintStream err) {
    Map<String, String> r = new LinkedHashMap<>();
    for (String line : reply) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        r.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    if ("ok".equals(r.get("result"))) {
      if (r.containsKey("state")) {
        out.println("state: " + r.get("state"));
      }
      if (r.containsKey("message")) {
        out.println(r.get("message"));
      }
      return 0;
    }
    err.println(
        "trellis "
            + verb
            + ": "
            + r.getOrDefault("error_code", "FAILED")
            + ": "
            + r.getOrDefault("message", "the agent gave no reason"));
    return 1;
  }

  private static AgentStatus fetch(Path socket) throws IOException {
    List<String> lines = ControlClient.call(socket, new Request("status", Map.of()), l -> {});
    try {
      return AgentStatusCodec.decode(lines);
    } catch (IllegalArgumentException e) {
      throw new IOException("agent sent a malformed status: " + e.getMessage(), e);
    }
  }

  private static int status(List<String> args, Path socket, PrintStream out)
      throws UsageError, IOException {
    Flags f = new Flags(args, Set.of(), Set.of("json"));
    AgentStatus s = fetch(socket);
    out.print(f.has("json") ? StatusJson.render(s) + "\n" : StatusText.render(s, Instant.now()));
    return 0;
  }

  private static int ip(List<String> args, Path socket, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    boolean v4 = false;
    boolean v6 = false;
    String peer = null;
    for (String a : args) {
      if (a.equals("-4")) {
        v4 = true;
      } else if (a.equals("-6")) {
        v6 = true;
      } else if (!a.startsWith("-") && peer == null) {
        peer = a;
      } else {
        throw new UsageError("usage: trellis ip [-4|-6] [PEER], not '" + a + "'");
      }
    }
    if (v4 && v6) {
      throw new UsageError("trellis ip: -4 and -6 exclude each other");
    }
    AgentStatus s = fetch(socket);
    if (s.self() == null) {
      err.println("trellis ip: no addresses (state " + s.state() + ")");
      return 1;
    }
    NodeView node = s.self();
    if (peer != null) {
      node = find(s, peer);
      if (node == null) {
        err.println("trellis ip: no peer named '" + peer + "'");
        return 1;
      }
    }
    int printed = 0;
    for (String a : node.addresses()) {
      boolean six = a.contains(":");
      if ((v4 && six) || (v6 && !six)) {
        continue;
      }
      out.println(StatusText.strip(a));
      printed++;
    }
    return printed > 0 ? 0 : 1;
  }

  /** The node named {@code query} (short or full name, or one of its addresses), or null. */
  static NodeView find(AgentStatus s, String query) {
    List<NodeView> all = new java.util.ArrayList<>(s.peers());
    all.add(s.self());
    for (NodeView n : all) {
      if (PeerName.matches(n.name(), query)
          || n.addresses().stream().anyMatch(a -> StatusText.strip(a).equals(query))) {
        return n;
      }
    }
    return null;
  }
}
