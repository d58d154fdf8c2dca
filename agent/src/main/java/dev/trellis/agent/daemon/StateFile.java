package dev.trellis.agent.daemon;

import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The daemon's state file ({@code state.conf} in the state directory): UTF-8 text, one {@code
 * key=value} per line, {@code #} comments, written atomically (temp file at 0600, fsync, rename).
 *
 * <pre>
 * # trellis agent state; contains private keys - keep it 0600
 * version=1
 * machine_key=mprivkey:HEX          (required)
 * node_key=privkey:HEX              (required)
 * login_server=https://ctl.example  (optional)
 * control_key=mkey:HEX              (optional; the pinned coordinator key)
 * node_id=n123                      (optional; absent when not registered)
 * register_response=BASE64          (optional; the last RegisterResponse protobuf)
 * want_running=true|false           (optional; default false)
 * accept_dns=true|false             (optional; default true: trellis up --accept-dns)
 * advertise_routes=CIDR,CIDR        (optional; default none: --advertise-routes)
 * advertise_exit_node=true|false    (optional; default false)
 * accept_routes=true|false          (optional; default false)
 * exit_node=NAME-OR-IP              (optional; default none)
 * exit_node_allow_lan_access=true|false (optional; default false)
 * snat_subnet_routes=true|false     (optional; default true)
 * </pre>
 *
 * A file that cannot be read or parsed is an error naming the file and the line; the daemon never
 * replaces a corrupt file with new keys.
 *
 * <p>Thread-safety: stateless; callers serialise writes to one file.
 */
public final class StateFile {
  static final int VERSION = 1;
  private static final int MAX_BYTES = 1 << 20;
  private static final Set<String> KEYS =
      Set.of(
          "version",
          "machine_key",
          "node_key",
          "login_server",
          "control_key",
          "node_id",
          "register_response",
          "want_running",
          "accept_dns",
          "advertise_routes",
          "advertise_exit_node",
          "accept_routes",
          "exit_node",
          "exit_node_allow_lan_access",
          "snat_subnet_routes");

  private StateFile() {}

  /** A state file that is unreadable or corrupt; the message names the file. */
  public static final class CorruptStateException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptStateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The text form of {@code s}. */
  public static String encode(AgentState s) {
    StringBuilder b = new StringBuilder();
    b.append("# trellis agent state; contains private keys - keep it 0600\n");
    b.append("version=").append(VERSION).append('\n');
    b.append("machine_key=").append(s.machineKey().toSecretText()).append('\n');
    b.append("node_key=").append(s.nodeKey().toSecretText()).append('\n');
    if (s.loginServer() != null) {
      b.append("login_server=").append(s.loginServer()).append('\n');
    }
    if (s.controlKey() != null) {
      b.append("control_key=").append(s.controlKey()).append('\n');
    }
    if (s.nodeId() != null) {
      b.append("node_id=").append(s.nodeId()).append('\n');
    }
    if (s.lastRegister() != null) {
      b.append("register_response=")
          .append(Base64.getEncoder().encodeToString(s.lastRegister().toByteArray()))
          .append('\n');
    }
    b.append("want_running=").append(s.wantRunning()).append('\n');
    if (!s.acceptDns()) {
      b.append("accept_dns=false\n");
    }
    RoutePrefs r = s.routes();
    if (!r.advertiseRoutes().isEmpty()) {
      b.append("advertise_routes=").append(String.join(",", r.advertiseRoutes())).append('\n');
    }
    if (r.advertiseExitNode()) {
      b.append("advertise_exit_node=true\n");
    }
    if (r.acceptRoutes()) {
      b.append("accept_routes=true\n");
    }
    if (!r.exitNode().isEmpty()) {
      b.append("exit_node=").append(r.exitNode()).append('\n');
    }
    if (r.exitNodeAllowLanAccess()) {
      b.append("exit_node_allow_lan_access=true\n");
    }
    if (!r.snatSubnetRoutes()) {
      b.append("snat_subnet_routes=false\n");
    }
    return b.toString();
  }

  /**
   * Parses the text of a state file.
   *
   * @throws IllegalArgumentException naming the line when the text is not a valid state
   */
  public static AgentState decode(String text) {
    Map<String, String> v = new HashMap<>();
    int n = 0;
    for (String raw : text.split("\n", -1)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("line " + n + ": expected key=value");
      }
      String k = line.substring(0, eq).strip();
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("line " + n + ": unknown key '" + clip(k) + "'");
      }
      if (v.put(k, line.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException("line " + n + ": '" + k + "' appears twice");
      }
    }
    if (!Integer.toString(VERSION).equals(v.get("version"))) {
      throw new IllegalArgumentException(
          v.containsKey("version")
              ? "unsupported version '" + clip(v.get("version")) + "'"
              : "no version line");
    }
    MachinePrivateKey machine = field(v, "machine_key", MachinePrivateKey::parse, true);
    NodePrivateKey node = field(v, "node_key", NodePrivateKey::parse, true);
    String server = field(v, "login_server", StateFile::url, false);
    MachinePublicKey control = field(v, "control_key", MachinePublicKey::parse, false);
    String nodeId = field(v, "node_id", s -> s, false);
    RegisterResponse last = field(v, "register_response", StateFile::response, false);
    Boolean want = field(v, "want_running", StateFile::bool, false);
    Boolean dns = field(v, "accept_dns", StateFile::bool, false);
    List<String> advertise = field(v, "advertise_routes", RoutePrefs::parseRoutes, false);
    RoutePrefs routes =
        new RoutePrefs(
            advertise == null ? List.of() : advertise,
            flag(v, "advertise_exit_node", false),
            flag(v, "accept_routes", false),
            field(v, "exit_node", s -> s, false),
            flag(v, "exit_node_allow_lan_access", false),
            flag(v, "snat_subnet_routes", true));
    return new AgentState(
        machine,
        node,
        server,
        control,
        nodeId,
        last,
        want != null && want.booleanValue(),
        dns == null || dns.booleanValue(),
        routes);
  }

  private static boolean flag(Map<String, String> v, String key, boolean fallback) {
    Boolean b = field(v, key, StateFile::bool, false);
    return b == null ? fallback : b.booleanValue();
  }

  /**
   * Reads the state at {@code file}, or returns {@code null} if it does not exist.
   *
   * @throws CorruptStateException naming the file when it exists but cannot be read or parsed
   */
  public static AgentState read(Path file) throws CorruptStateException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length > MAX_BYTES) {
        throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
      }
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      return decode(text);
    } catch (CharacterCodingException e) {
      throw corrupt(file, "not UTF-8 text", e);
    } catch (IOException e) {
      throw corrupt(file, "cannot be read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw corrupt(file, e.getMessage(), e);
    }
  }

  /** Writes {@code s} to {@code file} atomically at mode 0600. */
  public static void write(Path file, AgentState s) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (var ch = Files.newByteChannel(tmp, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(encode(s).getBytes(StandardCharsets.UTF_8)));
      if (ch instanceof java.nio.channels.FileChannel fc) {
        fc.force(true);
      }
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static CorruptStateException corrupt(Path file, String why, Throwable cause) {
    return new CorruptStateException(
        "state file "
            + file
            + " is unreadable or corrupt ("
            + why
            + "); refusing to start rather than make new keys. Fix or move the file away"
            + " (a new file means a new device that must log in again).",
        cause);
  }

  private interface Parser<T> {
    T parse(String s);
  }

  private static <T> T field(Map<String, String> v, String key, Parser<T> p, boolean required) {
    String s = v.get(key);
    if (s == null || s.isEmpty()) {
      if (required) {
        throw new IllegalArgumentException("missing " + key);
      }
      return null;
    }
    try {
      return p.parse(s);
    } catch (RuntimeException e) {
      // never echo the value: it may be a private key
      throw new IllegalArgumentException("bad " + key + ": " + e.getMessage(), e);
    }
  }

  private static String url(String s) {
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException("not an http(s) URL");
    }
    java.net.URI.create(s);
    return s;
  }

  private static RegisterResponse response(String s) {
    try {
      return RegisterResponse.parseFrom(Base64.getDecoder().decode(s));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a RegisterResponse", e);
    }
  }

  private static Boolean bool(String s) {
    return switch (s) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException("expected true or false");
    };
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
