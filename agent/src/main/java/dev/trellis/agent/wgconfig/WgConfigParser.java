package dev.trellis.agent.wgconfig;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.netconf.InterfaceAddress;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the standard WireGuard configuration file ({@code wg setconf} format, plus wg-quick's
 * {@code Address} and {@code MTU}):
 *
 * <pre>
 * [Interface]            PrivateKey (required), ListenPort, Address (comma list, CIDR), MTU
 *                        wg-quick-only DNS, Table, PreUp, PostUp, PreDown, PostDown, SaveConfig
 *                        and FwMark are ignored with a warning
 * [Peer]                 PublicKey (required), PresharedKey, AllowedIPs (comma list, may repeat),
 *                        Endpoint (host:port or [v6]:port, a host name resolved once),
 *                        PersistentKeepalive (seconds, or "off")
 * </pre>
 *
 * Section and key names are case-insensitive, as in wg; {@code #} starts a comment; blank lines are
 * ignored; whitespace inside values is removed. Anything else — an unknown key or section, a key
 * outside a section, a bad value, a peer listed twice — is a {@link ConfigError} naming the line.
 *
 * <p>Thread-safety: instances are immutable apart from the resolver, which must be thread-safe.
 */
public final class WgConfigParser {
  /** Resolves an endpoint's host name; the default asks the system resolver. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  private static final Set<String> WG_QUICK_ONLY =
      Set.of("dns", "table", "preup", "postup", "predown", "postdown", "saveconfig", "fwmark");

  private final Resolver resolver;

  /** A parser that resolves endpoint host names with the system resolver. */
  public WgConfigParser() {
    this(InetAddress::getByName);
  }

  public WgConfigParser(Resolver resolver) {
    this.resolver = resolver;
  }

  /** Parses the text of a configuration file. */
  public WgConfig parse(String text) throws ConfigError {
    Parse p = new Parse();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      p.line(i + 1, lines[i]);
    }
    return p.finish();
  }

  private final class Parse {
    private NodePrivateKey privateKey;
    private int listenPort;
    private int mtu;
    private boolean sawInterface;
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private final List<PeerConfig> peers = new ArrayList<>();
    private final Set<NodePublicKey> peerKeys = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private String section; // null, "interface" or "peer"
    private PeerBuilder peer;

    void line(int n, String raw) throws ConfigError {
      int hash = raw.indexOf('#');
      String s = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (s.isEmpty()) {
        return;
      }
      if (s.startsWith("[")) {
        if (!s.endsWith("]")) {
          throw new ConfigError(n, "section header '" + s + "' is missing ']'");
        }
        String name = s.substring(1, s.length() - 1).strip().toLowerCase(Locale.ROOT);
        endPeer();
        switch (name) {
          case "interface" -> {
            if (sawInterface) {
              throw new ConfigError(n, "a second [Interface] section");
            }
            sawInterface = true;
            section = "interface";
          }
          case "peer" -> {
            section = "peer";
            peer = new PeerBuilder(n);
          }
          default -> throw new ConfigError(n, "unknown section [" + name + "]");
        }
        return;
      }
      int eq = s.indexOf('=');
      if (eq <= 0) {
        // The line is not quoted: it might be a mistyped key.
        throw new ConfigError(n, "expected 'Key = Value' or a [Section] header");
      }
      String key = s.substring(0, eq).strip();
      if (!key.matches("[A-Za-z]{1,40}")) {
        // Not quoted: a line like "PrivateKey <base64>=" with the '=' missing would leak the key.
        throw new ConfigError(n, "expected 'Key = Value' with a one-word key");
      }
      String lower = key.toLowerCase(Locale.ROOT);
      String value = s.substring(eq + 1).replaceAll("\\s+", "");
      if (section == null) {
        throw new ConfigError(n, "'" + printable(key) + "' outside of any section");
      }
      if (section.equals("interface")) {
        interfaceKey(n, key, lower, value);
      } else {
        peerKey(n, key, lower, value);
      }
    }

    private void interfaceKey(int n, String key, String lower, String value) throws ConfigError {
      switch (lower) {
        case "privatekey" -> {
          try {
            privateKey = NodePrivateKey.fromBase64(value);
          } catch (RuntimeException e) {
            throw new ConfigError(n, "PrivateKey is not a base64-encoded 32-byte key");
          }
        }
        case "listenport" -> listenPort = number(n, "ListenPort", value, 0, 65535);
        case "mtu" -> mtu = number(n, "MTU", value, 576, 65535);
        case "address" -> {
          for (String part : list(n, "Address", value)) {
            try {
              addresses.add(InterfaceAddress.parse(part));
            } catch (RuntimeException e) {
              throw new ConfigError(n, "Address '" + printable(part) + "': " + e.getMessage());
            }
          }
        }
        default -> {
          if (WG_QUICK_ONLY.contains(lower)) {
            warnings.add("line " + n + ": " + key + " is a wg-quick setting; ignored");
          } else {
            throw new ConfigError(n, "unknown key '" + printable(key) + "' in [Interface]");
          }
        }
      }
    }

    private void peerKey(int n, String key, String lower, String value) throws ConfigError {
      switch (lower) {
        case "publickey" -> {
          try {
            peer.publicKey = NodePublicKey.fromBase64(value);
          } catch (RuntimeException e) {
            throw new ConfigError(n, "PublicKey is not a base64-encoded 32-byte key");
          }
        }
        case "presharedkey" -> {
          try {
            peer.presharedKey = PresharedKey.fromBase64(value);
          } catch (RuntimeException e) {
            throw new ConfigError(n, "PresharedKey is not a base64-encoded 32-byte key");
          }
        }
        case "allowedips" -> {
          for (String part : list(n, "AllowedIPs", value)) {
            try {
              peer.allowedIps.add(IpPrefix.parse(part));
            } catch (RuntimeException e) {
              throw new ConfigError(n, "AllowedIPs '" + printable(part) + "': " + e.getMessage());
            }
          }
        }
        case "endpoint" -> peer.endpoint = endpoint(n, value);
        case "persistentkeepalive" ->
            peer.keepalive =
                value.equalsIgnoreCase("off")
                    ? 0
                    : number(n, "PersistentKeepalive", value, 0, 65535);
        default -> throw new ConfigError(n, "unknown key '" + printable(key) + "' in [Peer]");
      }
    }

    private Endpoint endpoint(int n, String value) throws ConfigError {
      String host;
      String port;
      if (value.startsWith("[")) {
        int close = value.indexOf(']');
        if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
          throw new ConfigError(n, "Endpoint must be [IPv6]:port, got '" + printable(value) + "'");
        }
        host = value.substring(1, close);
        port = value.substring(close + 2);
      } else {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || value.indexOf(':') != colon) {
          throw new ConfigError(
              n, "Endpoint must be host:port or [IPv6]:port, got '" + printable(value) + "'");
        }
        host = value.substring(0, colon);
        port = value.substring(colon + 1);
      }
      int p = number(n, "Endpoint port", port, 1, 65535);
      InetAddress address;
      try {
        address = resolver.resolve(host);
      } catch (UnknownHostException | RuntimeException e) {
        throw new ConfigError(n, "Endpoint host '" + printable(host) + "' does not resolve");
      }
      if (address == null) {
        throw new ConfigError(n, "Endpoint host '" + printable(host) + "' does not resolve");
      }
      return new Endpoint(address, p);
    }

    private void endPeer() throws ConfigError {
      if (peer == null) {
        return;
      }
      PeerBuilder b = peer;
      peer = null;
      if (b.publicKey == null) {
        throw new ConfigError(b.line, "[Peer] has no PublicKey");
      }
      if (!peerKeys.add(b.publicKey)) {
        throw new ConfigError(b.line, "peer " + b.publicKey.toBase64() + " is listed twice");
      }
      peers.add(
          new PeerConfig(
              b.publicKey,
              b.presharedKey,
              b.allowedIps,
              b.endpoint,
              Duration.ofSeconds(b.keepalive)));
    }

    WgConfig finish() throws ConfigError {
      endPeer();
      if (!sawInterface) {
        throw new ConfigError(0, "no [Interface] section");
      }
      if (privateKey == null) {
        throw new ConfigError(0, "[Interface] has no PrivateKey");
      }
      return new WgConfig(
          new DeviceConfig(privateKey, listenPort, peers), addresses, mtu, warnings);
    }
  }

  private static final class PeerBuilder {
    final int line;
    NodePublicKey publicKey;
    PresharedKey presharedKey;
    final List<IpPrefix> allowedIps = new ArrayList<>();
    Endpoint endpoint;
    int keepalive;

    PeerBuilder(int line) {
      this.line = line;
    }
  }

  private static List<String> list(int n, String key, String value) throws ConfigError {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      if (part.isEmpty()) {
        if (value.isEmpty()) {
          return out; // "AllowedIPs =" means none
        }
        throw new ConfigError(n, key + " has an empty item");
      }
      out.add(part);
    }
    return out;
  }

  private static int number(int n, String key, String value, int min, int max) throws ConfigError {
    if (!value.matches("\\d{1,6}")) {
      throw new ConfigError(n, key + " must be a number, got '" + printable(value) + "'");
    }
    int v = Integer.parseInt(value);
    if (v < min || v > max) {
      throw new ConfigError(n, key + " " + v + " is out of range " + min + "-" + max);
    }
    return v;
  }

  /** Shortens text for an error message and hides control characters. */
  private static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return b.toString();
  }
}
