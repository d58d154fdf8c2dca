package dev.trellis.agent.paths.disco;

import dev.trellis.agent.crypto.XChaChaPoly;
import dev.trellis.proto.crypto.Hkdf;
import dev.trellis.proto.crypto.X25519;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Seals and opens {@link DiscoPacket}s with this node's disco key: derives (and caches) the box key
 * shared with each peer's disco key, and counts every dropped packet by {@link DiscoDrop}.
 *
 * <p>Thread-safety: safe from any thread (the key cache is concurrent, counters are atomic).
 */
public final class DiscoBox {
  private static final byte[] SALT = "trellis-disco-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INFO = "box".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CACHED_KEYS = 4096;

  /** An opened packet: who sent it and what. */
  public record Opened(DiscoPublicKey sender, DiscoMessage message) {}

  private final DiscoPrivateKey own;
  private final byte[] ownPublic;
  private final Consumer<byte[]> nonces;
  private final Map<DiscoPublicKey, byte[]> keys = new ConcurrentHashMap<>();
  private final Map<DiscoDrop, AtomicLong> drops = new EnumMap<>(DiscoDrop.class);

  public DiscoBox(DiscoPrivateKey own) {
    this(own, new SecureRandom()::nextBytes);
  }

  /** With a chosen source of nonces: for known-answer tests only. */
  DiscoBox(DiscoPrivateKey own, Consumer<byte[]> nonces) {
    this.own = own;
    this.nonces = nonces;
    this.ownPublic = own.publicKey().toBytes();
    for (DiscoDrop d : DiscoDrop.values()) {
      drops.put(d, new AtomicLong());
    }
  }

  /** This node's disco public key. */
  public DiscoPublicKey publicKey() {
    return DiscoPublicKey.fromBytes(ownPublic);
  }

  /** A complete packet carrying {@code m} to the holder of {@code to}. */
  public byte[] seal(DiscoMessage m, DiscoPublicKey to) {
    byte[] key = keyFor(to);
    if (key == null) {
      throw new IllegalArgumentException("cannot seal to a low-order disco key " + to);
    }
    byte[] nonce = new byte[XChaChaPoly.NONCE_LENGTH];
    nonces.accept(nonce);
    byte[] box = XChaChaPoly.seal(key, nonce, DiscoPacket.encode(m), ad(ownPublic));
    byte[] out = new byte[DiscoPacket.HEADER + box.length];
    System.arraycopy(DiscoPacket.MAGIC, 0, out, 0, 6);
    System.arraycopy(ownPublic, 0, out, 6, 32);
    System.arraycopy(nonce, 0, out, 38, XChaChaPoly.NONCE_LENGTH);
    System.arraycopy(box, 0, out, DiscoPacket.HEADER, box.length);
    return out;
  }

  /**
   * Opens the disco packet at {@code buf[off .. off+len)} (which must start with the magic), or
   * returns {@code null} and counts the drop. Only senders {@code known} accepts are opened.
   */
  public Opened open(byte[] buf, int off, int len, Predicate<DiscoPublicKey> known) {
    if (len < DiscoPacket.HEADER + DiscoPacket.TAG || !DiscoPacket.isDisco(buf, off, len)) {
      return drop(DiscoDrop.SHORT);
    }
    byte[] senderBytes = Arrays.copyOfRange(buf, off + 6, off + 38);
    DiscoPublicKey sender = DiscoPublicKey.fromBytes(senderBytes);
    if (!known.test(sender)) {
      return drop(DiscoDrop.UNKNOWN_SENDER);
    }
    byte[] key = keyFor(sender);
    if (key == null) {
      return drop(DiscoDrop.BAD_BOX);
    }
    byte[] nonce = Arrays.copyOfRange(buf, off + 38, off + DiscoPacket.HEADER);
    byte[] box = Arrays.copyOfRange(buf, off + DiscoPacket.HEADER, off + len);
    byte[] plain = XChaChaPoly.open(key, nonce, box, ad(senderBytes));
    if (plain == null) {
      return drop(DiscoDrop.BAD_BOX);
    }
    DiscoMessage m = DiscoPacket.decode(plain);
    if (m == null) {
      return drop(DiscoDrop.BAD_MESSAGE);
    }
    return new Opened(sender, m);
  }

  /** Packets dropped for {@code reason} so far. */
  public long dropped(DiscoDrop reason) {
    return drops.get(reason).get();
  }

  /** Forgets the cached key of a peer that is gone. */
  public void forget(DiscoPublicKey peer) {
    byte[] k = keys.remove(peer);
    if (k != null) {
      Arrays.fill(k, (byte) 0);
    }
  }

  private Opened drop(DiscoDrop reason) {
    drops.get(reason).incrementAndGet();
    return null;
  }

  private static byte[] ad(byte[] senderKey) {
    byte[] ad = new byte[6 + 32];
    System.arraycopy(DiscoPacket.MAGIC, 0, ad, 0, 6);
    System.arraycopy(senderKey, 0, ad, 6, 32);
    return ad;
  }

  private byte[] keyFor(DiscoPublicKey peer) {
    byte[] k = keys.get(peer);
    if (k != null) {
      return k;
    }
    byte[] priv = own.toBytes();
    byte[] shared = X25519.sharedSecret(priv, peer.toBytes());
    Arrays.fill(priv, (byte) 0);
    if (shared == null) {
      return null;
    }
    k = Hkdf.derive(SALT, shared, INFO, Hkdf.HASH_LEN);
    Arrays.fill(shared, (byte) 0);
    if (keys.size() >= MAX_CACHED_KEYS) {
      keys.clear();
    }
    keys.put(peer, k);
    return k;
  }

  @Override
  public String toString() {
    return "DiscoBox[" + publicKey() + "]";
  }
}
