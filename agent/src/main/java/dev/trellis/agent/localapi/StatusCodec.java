package dev.trellis.agent.localapi;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.PeerStatus;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text form of an {@link InterfaceStatus} on the control socket, in the spirit of WireGuard's
 * cross-platform UAPI: one {@code key=value} per line, a {@code public_key=} line starting each
 * peer, an empty line ending the message. No private or preshared key is ever written.
 *
 * <pre>
 * name=trellis0
 * own_public_key=BASE64
 * listen_port=51820
 * counter=drops.REPLAY:0               (any number of counter lines)
 * public_key=BASE64                    (starts a peer)
 * endpoint=1.2.3.4:51820 | [fd00::1]:51820
 * last_handshake_time_ms=1732460000000 (absent: never)
 * rx_bytes=N
 * tx_bytes=N
 * persistent_keepalive_interval=25
 * allowed_ip=10.0.0.2/32               (repeated)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class StatusCodec {
  private StatusCodec() {}

  /** Encodes a status, ending with an empty line. */
  public static String encode(InterfaceStatus s) {
    StringBuilder b = new StringBuilder();
    b.append("name=").append(s.name()).append('\n');
    if (s.publicKey() != null) {
      b.append("own_public_key=").append(s.publicKey().toBase64()).append('\n');
    }
    b.append("listen_port=").append(s.listenPort()).append('\n');
    for (Map.Entry<String, Long> c : s.counters().entrySet()) {
      b.append("counter=").append(c.getKey()).append(':').append(c.getValue()).append('\n');
    }
    for (PeerStatus p : s.peers()) {
      b.append("public_key=").append(p.publicKey().toBase64()).append('\n');
      if (p.endpoint() != null) {
        b.append("endpoint=").append(p.endpoint()).append('\n');
      }
      if (p.latestHandshake() != null) {
        b.append("last_handshake_time_ms=").append(p.latestHandshake().toEpochMilli()).append('\n');
      }
      b.append("rx_bytes=").append(p.rxBytes()).append('\n');
      b.append("tx_bytes=").append(p.txBytes()).append('\n');
      b.append("persistent_keepalive_interval=")
          .append(p.persistentKeepalive().toSeconds())
          .append('\n');
      for (IpPrefix a : p.allowedIps()) {
        b.append("allowed_ip=").append(a).append('\n');
      }
    }
    return b.append('\n').toString();
  }

  /**
   * Decodes the lines of one message (without the final empty line).
   *
   * @throws IllegalArgumentException naming the line when the text is malformed
   */
  public static InterfaceStatus decode(List<String> lines) {
    String name = null;
    NodePublicKey own = null;
    int port = 0;
    Map<String, Long> counters = new LinkedHashMap<>();
    List<PeerStatus> peers = new ArrayList<>();
    PeerFields peer = null;
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
          case "name" -> name = v;
          case "own_public_key" -> own = NodePublicKey.fromBase64(v);
          case "listen_port" -> port = Integer.parseInt(v);
          case "counter" -> {
            int colon = v.lastIndexOf(':');
            counters.put(v.substring(0, colon), Long.parseLong(v.substring(colon + 1)));
          }
          case "public_key" -> {
            if (peer != null) {
              peers.add(peer.build());
            }
            peer = new PeerFields(NodePublicKey.fromBase64(v));
          }
          default -> {
            if (peer == null) {
              throw new IllegalArgumentException("'" + k + "' before any public_key");
            }
            peer.set(k, v);
          }
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("status line " + n + ": " + e.getMessage(), e);
      }
    }
    if (peer != null) {
      peers.add(peer.build());
    }
    if (name == null) {
      throw new IllegalArgumentException("status has no name");
    }
    return new InterfaceStatus(name, own, port, peers, counters);
  }

  private static final class PeerFields {
    final NodePublicKey key;
    Endpoint endpoint;
    Instant handshake;
    long rx;
    long tx;
    Duration keepalive = Duration.ZERO;
    final List<IpPrefix> allowed = new ArrayList<>();

    PeerFields(NodePublicKey key) {
      this.key = key;
    }

    void set(String k, String v) {
      switch (k) {
        case "endpoint" -> endpoint = parseEndpoint(v);
        case "last_handshake_time_ms" -> handshake = Instant.ofEpochMilli(Long.parseLong(v));
        case "rx_bytes" -> rx = Long.parseLong(v);
        case "tx_bytes" -> tx = Long.parseLong(v);
        case "persistent_keepalive_interval" -> keepalive = Duration.ofSeconds(Long.parseLong(v));
        case "allowed_ip" -> allowed.add(IpPrefix.parse(v));
        default -> throw new IllegalArgumentException("unknown key '" + k + "'");
      }
    }

    PeerStatus build() {
      return new PeerStatus(key, endpoint, handshake, rx, tx, allowed, keepalive);
    }
  }

  private static Endpoint parseEndpoint(String v) {
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad endpoint");
    }
    return new Endpoint(
        IpLiteral.parse(v.substring(0, colon)), Integer.parseInt(v.substring(colon + 1)));
  }
}
