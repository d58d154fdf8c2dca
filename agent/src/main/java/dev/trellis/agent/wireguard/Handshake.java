package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.agent.crypto.Kdf;
import dev.trellis.agent.crypto.Tai64n;
import dev.trellis.proto.crypto.X25519;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The Noise_IKpsk2 handshake state with one peer (WireGuard paper, section 5.4). It creates and
 * consumes initiations and responses and derives the {@link Keypair}. Initiations are protected
 * against replay by their TAI64N timestamp and against floods by a per-peer rate ({@link
 * Spec#INITIATIONS_PER_SECOND}).
 *
 * <p>The initiator state (our pending initiation: ephemeral, chaining key, hash, index) and the
 * responder state (a consumed initiation awaiting our response) are kept apart. When both peers
 * initiate at about the same moment ("crossing initiations"), answering the peer's initiation
 * therefore does not destroy ours: the peer's response to our initiation still completes it. Both
 * sides then hold two session pairs that match crosswise; {@link #initiationPrevails()} tells them
 * which one to keep. The messages on the wire are unchanged.
 *
 * <p>Thread-safety: safe from any thread; all state is guarded by {@code this}.
 */
public final class Handshake {
  private static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(Spec.CONSTRUCTION);
  private static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, Spec.IDENTIFIER);
  private static final byte[] EMPTY = new byte[0];
  private static final long FLOOD_NANOS = 1_000_000_000L / Spec.INITIATIONS_PER_SECOND;

  /** The outcome of consuming an initiation. */
  public enum Result {
    OK,
    BAD,
    REPLAY,
    FLOOD
  }

  /**
   * An initiation whose static key has been decrypted but not yet matched to a peer.
   *
   * @param remoteStatic the initiator's static public key
   */
  public record OpenedInitiation(
      Initiation msg, byte[] remoteStatic, byte[] chainKey, byte[] hash) {}

  private final LocalIdentity local;
  private final RemoteIdentity remote;
  private final Supplier<byte[]> ephemerals;

  // initiator state, all guarded by this: our pending initiation (chainKey != null)
  private byte[] chainKey;
  private byte[] hash;
  private byte[] localEphemeral;
  private int localIndex;

  // responder state, all guarded by this: a consumed initiation (peerChainKey != null)
  private byte[] peerChainKey;
  private byte[] peerHash;
  private byte[] remoteEphemeral;
  private int remoteIndex;

  // replay and flood protection of received initiations, guarded by this
  private byte[] latestTimestamp = new byte[Tai64n.LENGTH];
  private long lastInitiationNanos;
  private boolean anyInitiation;

  public Handshake(LocalIdentity local, RemoteIdentity remote) {
    this(local, remote, X25519::generatePrivate);
  }

  /**
   * With chosen ephemeral private keys (a fresh array each call; it is zeroed after use): for
   * known-answer tests only.
   */
  Handshake(LocalIdentity local, RemoteIdentity remote, Supplier<byte[]> ephemerals) {
    this.local = local;
    this.remote = remote;
    this.ephemerals = ephemerals;
  }

  public RemoteIdentity remote() {
    return remote;
  }

  /** Whether an initiation of ours awaits its response. */
  public synchronized boolean initiationPending() {
    return chainKey != null;
  }

  /** Whether a consumed initiation of the peer awaits our response. */
  public synchronized boolean initiationConsumed() {
    return peerChainKey != null;
  }

  /**
   * Whether our initiation prevails when it crosses one of the peer's: both sides hold two session
   * pairs then and must settle on the same one. The side with the greater static public key
   * (unsigned, byte by byte) prevails, so both decide alike without a message.
   */
  public boolean initiationPrevails() {
    return Arrays.compareUnsigned(local.publicKey, remote.publicKey) > 0;
  }

  /** Our index of the pending initiation. */
  public synchronized int localIndex() {
    return localIndex;
  }

  /**
   * Creates an initiation with our index {@code index}, replacing any pending one of ours (but not
   * a consumed initiation of the peer); MACs are left for the caller.
   */
  public synchronized Initiation createInitiation(int index, Instant now) {
    if (!remote.usable()) {
      return null;
    }
    byte[] c = INITIAL_CHAIN_KEY;
    byte[] h = Blake2s.hash(INITIAL_HASH, remote.publicKey);
    byte[] e = ephemerals.get();
    byte[] ePub = X25519.publicKey(e);
    c = Kdf.kdf1(c, ePub);
    h = Blake2s.hash(h, ePub);
    byte[] es = X25519.sharedSecret(e, remote.publicKey);
    if (es == null) {
      zero(e, c);
      return null;
    }
    byte[][] ck = Kdf.kdf2(c, es);
    zero(c, es);
    c = ck[0];
    byte[] encStatic = Aead0.seal(ck[1], local.publicKey, h);
    zero(ck[1]);
    h = Blake2s.hash(h, encStatic);
    ck = Kdf.kdf2(c, remote.staticStatic);
    zero(c);
    c = ck[0];
    byte[] encTs = Aead0.seal(ck[1], Tai64n.encode(now), h);
    zero(ck[1]);
    h = Blake2s.hash(h, encTs);
    wipeInitiator();
    chainKey = c;
    hash = h;
    localEphemeral = e;
    localIndex = index;
    return new Initiation(index, ePub, encStatic, encTs, new byte[16], new byte[16]);
  }

  /**
   * First half of consuming an initiation, before the peer is known: decrypts the initiator's
   * static key. Returns {@code null} if it does not decrypt.
   */
  public static OpenedInitiation open(LocalIdentity local, Initiation msg) {
    byte[] c = INITIAL_CHAIN_KEY;
    byte[] h = Blake2s.hash(INITIAL_HASH, local.publicKey);
    c = Kdf.kdf1(c, msg.ephemeral());
    h = Blake2s.hash(h, msg.ephemeral());
    byte[] es = X25519.sharedSecret(local.privateKey, msg.ephemeral());
    if (es == null) {
      return null;
    }
    byte[][] ck = Kdf.kdf2(c, es);
    byte[] stat = Aead0.open(ck[1], msg.encryptedStatic(), h);
    if (stat == null) {
      return null;
    }
    h = Blake2s.hash(h, msg.encryptedStatic());
    return new OpenedInitiation(msg, stat, ck[0], h);
  }

  /**
   * Second half: checks the timestamp with this peer's keys, rejects replays and floods, and keeps
   * the responder state for {@link #createResponse}. A pending initiation of ours is left intact.
   */
  public synchronized Result consume(OpenedInitiation opened, long nowNanos) {
    if (!remote.usable() || !Arrays.equals(opened.remoteStatic(), remote.publicKey)) {
      return Result.BAD;
    }
    byte[][] ck = Kdf.kdf2(opened.chainKey(), remote.staticStatic);
    byte[] ts = Aead0.open(ck[1], opened.msg().encryptedTimestamp(), opened.hash());
    zero(ck[1]);
    if (ts == null) {
      zero(ck[0]);
      return Result.BAD;
    }
    byte[] h = Blake2s.hash(opened.hash(), opened.msg().encryptedTimestamp());
    if (!Tai64n.after(ts, latestTimestamp)) {
      zero(ck[0]);
      return Result.REPLAY;
    }
    if (anyInitiation && nowNanos - lastInitiationNanos <= FLOOD_NANOS) {
      zero(ck[0]);
      return Result.FLOOD;
    }
    wipeResponder();
    peerChainKey = ck[0];
    peerHash = h;
    remoteEphemeral = opened.msg().ephemeral();
    remoteIndex = opened.msg().sender();
    latestTimestamp = ts;
    lastInitiationNanos = nowNanos;
    anyInitiation = true;
    return Result.OK;
  }

  /**
   * Answers the consumed initiation with our index {@code index}; returns the response (MACs left
   * for the caller) and, through {@code out[0]}, the new responder session. Returns {@code null} if
   * there is no consumed initiation. A pending initiation of ours is left intact.
   */
  public synchronized Response createResponse(int index, long nowNanos, Keypair[] out) {
    if (peerChainKey == null) {
      return null;
    }
    byte[] e = ephemerals.get();
    byte[] ePub = X25519.publicKey(e);
    byte[] c = Kdf.kdf1(peerChainKey, ePub);
    byte[] h = Blake2s.hash(peerHash, ePub);
    byte[] ee = X25519.sharedSecret(e, remoteEphemeral);
    byte[] se = X25519.sharedSecret(e, remote.publicKey);
    zero(e);
    int peerIndex = remoteIndex;
    wipeResponder();
    if (ee == null || se == null) {
      zero(c, ee, se);
      return null;
    }
    byte[][] ctk = finish(c, ee, se);
    h = Blake2s.hash(h, ctk[1]);
    byte[] encNothing = Aead0.seal(ctk[2], EMPTY, h);
    byte[][] keys = Kdf.kdf2(ctk[0], EMPTY);
    zero(ctk);
    out[0] = new Keypair(keys[1], keys[0], index, peerIndex, false, nowNanos);
    zero(keys);
    return new Response(index, peerIndex, ePub, encNothing, new byte[16], new byte[16]);
  }

  /**
   * Consumes a response to our pending initiation; returns the new initiator session or {@code
   * null} if the response does not match or does not authenticate (e.g. a wrong preshared key). A
   * consumed initiation of the peer is left intact.
   */
  public synchronized Keypair consume(Response msg, long nowNanos) {
    if (chainKey == null || msg.receiver() != localIndex) {
      return null;
    }
    byte[] c = Kdf.kdf1(chainKey, msg.ephemeral());
    byte[] h = Blake2s.hash(hash, msg.ephemeral());
    byte[] ee = X25519.sharedSecret(localEphemeral, msg.ephemeral());
    byte[] se = X25519.sharedSecret(local.privateKey, msg.ephemeral());
    if (ee == null || se == null) {
      zero(c, ee, se);
      return null;
    }
    byte[][] ctk = finish(c, ee, se);
    h = Blake2s.hash(h, ctk[1]);
    if (Aead0.open(ctk[2], msg.encryptedNothing(), h) == null) {
      zero(ctk);
      return null;
    }
    byte[][] keys = Kdf.kdf2(ctk[0], EMPTY);
    zero(ctk);
    Keypair kp = new Keypair(keys[0], keys[1], localIndex, msg.sender(), true, nowNanos);
    zero(keys);
    wipeInitiator();
    return kp;
  }

  /** Forgets our pending initiation and any consumed one, and zeroes their secrets. */
  public synchronized void clear() {
    wipeInitiator();
    wipeResponder();
  }

  /**
   * Mixes the two response Diffie-Hellman results and the preshared key into {@code c} (which it
   * zeroes with them): returns the final chaining key, tau and the response's AEAD key.
   */
  private byte[][] finish(byte[] c, byte[] ee, byte[] se) {
    byte[] c1 = Kdf.kdf1(c, ee);
    byte[] c2 = Kdf.kdf1(c1, se);
    byte[][] ctk = Kdf.kdf3(c2, remote.presharedKey);
    zero(c, c1, c2, ee, se);
    return ctk;
  }

  private void wipeInitiator() {
    zero(localEphemeral, chainKey);
    localEphemeral = null;
    chainKey = null;
    hash = null;
  }

  private void wipeResponder() {
    zero(peerChainKey);
    peerChainKey = null;
    peerHash = null;
    remoteEphemeral = null;
  }

  private static void zero(byte[]... secrets) {
    for (byte[] s : secrets) {
      if (s != null && s != INITIAL_CHAIN_KEY) {
        Arrays.fill(s, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "Handshake[" + remote.key() + "]";
  }
}
