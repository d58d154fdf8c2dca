package dev.trellis.agent.paths.disco;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.crypto.XChaChaPoly;
import dev.trellis.proto.key.NodePublicKey;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The disco (path discovery) wire protocol: the byte layout of one sealed packet and of the three
 * messages inside it. Disco packets share the agent's one UDP socket with WireGuard and also travel
 * through relays; the 6-byte magic tells them apart (a WireGuard message starts with a type 1..4
 * followed by three zero bytes, so it never starts with 'T').
 *
 * <pre>
 * packet   = magic(6)               54 52 4C F0 9F AC: "TRL" and three bytes of the four that
 *                                   spell U+1F4AC (speech balloon) in UTF-8, F0 9F 92 AC, without
 *                                   the 92 (not valid UTF-8, and kept: it is what agents send)
 *            sender_disco_key(32)   the sender's disco public key (X25519)
 *            nonce(24)              random, for XChaCha20-Poly1305
 *            box(n + 16)            XChaCha20-Poly1305(key, nonce, message, ad = magic || sender key)
 * key      = HKDF-SHA256(ikm = X25519(own disco private, other disco public),
 *                        salt = "trellis-disco-v1", info = "box", 32 bytes)   (same both ways)
 * message  = type(1) version(1) payload
 *   0x01 ping           tx_id(12) sender_node_key(32)
 *   0x02 pong           tx_id(12) observed_ip(16, IPv4 as ::ffff:a.b.c.d) observed_port(2, BE)
 *   0x03 call-me-maybe  k * (ip(16) port(2)), k &lt;= 32
 * </pre>
 *
 * Unknown message types and trailing bytes after a known payload are tolerated for forward
 * compatibility (newer versions may append fields); anything shorter than its layout is dropped.
 *
 * <p>{@code DiscoVectorsTest} pins these bytes with hex vectors computed independently.
 *
 * <p>Flow: A pings each candidate endpoint of B (and sends B a call-me-maybe through the relay); B
 * answers each ping with a pong to the ping's source, naming that source; a pong's round trip
 * proves the path. B, told by call-me-maybe, pings A's endpoints at the same time, which opens both
 * NATs.
 *
 * <p>Thread-safety: stateless.
 */
public final class DiscoPacket {
  /** The magic prefix of every disco packet: 54 52 4C F0 9F AC. */
  static final byte[] MAGIC = {'T', 'R', 'L', (byte) 0xF0, (byte) 0x9F, (byte) 0xAC};

  /** Header bytes before the box. */
  public static final int HEADER = 6 + 32 + XChaChaPoly.NONCE_LENGTH;

  /** The box's tag. */
  static final int TAG = 16;

  /** The most endpoints one call-me-maybe lists. */
  public static final int MAX_ENDPOINTS = 32;

  static final int TYPE_PING = 1;
  static final int TYPE_PONG = 2;
  static final int TYPE_CALL_ME_MAYBE = 3;
  static final int VERSION = 0;

  private static final int ENDPOINT_BYTES = 18;

  private DiscoPacket() {}

  /** Whether {@code buf[off .. off+len)} starts with the disco magic. */
  public static boolean isDisco(byte[] buf, int off, int len) {
    if (len < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (buf[off + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The plaintext form of {@code m} (type, version, payload). */
  static byte[] encode(DiscoMessage m) {
    return switch (m) {
      case DiscoMessage.Ping p -> {
        byte[] out = new byte[2 + 12 + 32];
        out[0] = TYPE_PING;
        System.arraycopy(p.txId(), 0, out, 2, 12);
        System.arraycopy(p.nodeKey().toBytes(), 0, out, 14, 32);
        yield out;
      }
      case DiscoMessage.Pong p -> {
        byte[] out = new byte[2 + 12 + ENDPOINT_BYTES];
        out[0] = TYPE_PONG;
        System.arraycopy(p.txId(), 0, out, 2, 12);
        putEndpoint(out, 14, p.observed());
        yield out;
      }
      case DiscoMessage.CallMeMaybe c -> {
        byte[] out = new byte[2 + ENDPOINT_BYTES * c.endpoints().size()];
        out[0] = TYPE_CALL_ME_MAYBE;
        for (int i = 0; i < c.endpoints().size(); i++) {
          putEndpoint(out, 2 + ENDPOINT_BYTES * i, c.endpoints().get(i));
        }
        yield out;
      }
    };
  }

  /** The message in a plaintext, or {@code null} if it is too short or of an unknown type. */
  static DiscoMessage decode(byte[] p) {
    if (p.length < 2) {
      return null;
    }
    return switch (p[0]) {
      case TYPE_PING -> {
        if (p.length < 2 + 12 + 32) {
          yield null;
        }
        yield new DiscoMessage.Ping(
            Arrays.copyOfRange(p, 2, 14), NodePublicKey.fromBytes(Arrays.copyOfRange(p, 14, 46)));
      }
      case TYPE_PONG -> {
        if (p.length < 2 + 12 + ENDPOINT_BYTES) {
          yield null;
        }
        Endpoint e = getEndpoint(p, 14);
        yield e == null ? null : new DiscoMessage.Pong(Arrays.copyOfRange(p, 2, 14), e);
      }
      case TYPE_CALL_ME_MAYBE -> {
        int k = Math.min((p.length - 2) / ENDPOINT_BYTES, MAX_ENDPOINTS);
        List<Endpoint> eps = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
          Endpoint e = getEndpoint(p, 2 + ENDPOINT_BYTES * i);
          if (e != null && e.port() != 0) {
            eps.add(e);
          }
        }
        yield new DiscoMessage.CallMeMaybe(eps);
      }
      default -> null;
    };
  }

  private static void putEndpoint(byte[] out, int at, Endpoint e) {
    byte[] a = e.address().getAddress();
    if (a.length == 4) {
      out[at + 10] = (byte) 0xff;
      out[at + 11] = (byte) 0xff;
      System.arraycopy(a, 0, out, at + 12, 4);
    } else {
      System.arraycopy(a, 0, out, at, 16);
    }
    out[at + 16] = (byte) (e.port() >>> 8);
    out[at + 17] = (byte) e.port();
  }

  private static Endpoint getEndpoint(byte[] p, int at) {
    try {
      // getByAddress turns ::ffff:a.b.c.d into an Inet4Address
      InetAddress a = InetAddress.getByAddress(Arrays.copyOfRange(p, at, at + 16));
      return new Endpoint(a, (p[at + 16] & 0xff) << 8 | (p[at + 17] & 0xff));
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
