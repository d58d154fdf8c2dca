package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.agent.crypto.Kdf;
import dev.trellis.agent.crypto.Tai64n;
import dev.trellis.agent.crypto.X25519;
import java.time.Instant;
import java.util.Arrays;

/**
 * The Noise_IKpsk2 handshake state with one peer, as initiator or responder (WireGuard paper,
 * section 5.4). It creates and consumes initiations and responses and derives the {@link Keypair}.
 * Initiations are protected against replay by their TAI64N timestamp and against floods by a
 * per-peer rate ({@link Spec#INITIATIONS_PER_SECOND}).
 *
 * <p>Thread-safety: safe from any thread; all state is guarded by {@code this}.
 */
public final class Handshake {
  private static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(Spec.CONSTRUCTION);
  private static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, Spec.IDENTIFIER);
  private static final byte[] EMPTY = new byte[0];
  private static final long FLOOD_NANOS = 1_000_000_000L / Spec.INITIATIONS_PER_SECOND;

  /** Where a handshake stands. */
  public enum State {
    NONE,
    INITIATION_CREATED,
    INITIATION_CONSUMED
  }

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

  // all guarded by this
  private State state = State.NONE;
  private byte[] chainKey;
  private byte[] hash;
  private byte[] localEphemeral;
  private byte[] remoteEphemeral;
  private int localIndex;
  private int remoteIndex;
  private byte[] latestTimestamp = new byte[Tai64n.LENGTH];
  private long lastInitiationNanos;
  private boolean anyInitiation;

  public Handshake(LocalIdentity local, RemoteIdentity remote) {
    this.local = local;
    this.remote = remote;
  }

  public RemoteIdentity remote() {
    return remote;
  }

  /** The current state. */
  public synchronized State state() {
    return state;
  }

  /** Our index of the pending handshake. */
  public synchronized int localIndex() {
    return localIndex;
  }

  /** Creates an initiation with our index {@code index}; MACs are left for the caller. */
  public synchronized Initiation createInitiation(int index, Instant now) {
    if (!remote.usable()) {
      return null;
    }
    byte[] c = INITIAL_CHAIN_KEY;
    byte[] h = Blake2s.hash(INITIAL_HASH, remote.publicKey);
    byte[] e = X25519.generatePrivate();
    byte[] ePub = X25519.publicKey(e);
    c = Kdf.kdf1(c, ePub);
    h = Blake2s.hash(h, ePub);
    byte[] es = X25519.sharedSecret(e, remote.publicKey);
    if (es == null) {
      return null;
    }
    byte[][] ck = Kdf.kdf2(c, es);
    c = ck[0];
    byte[] encStatic = Aead0.seal(ck[1], local.publicKey, h);
    h = Blake2s.hash(h, encStatic);
    ck = Kdf.kdf2(c, remote.staticStatic);
    c = ck[0];
    byte[] encTs = Aead0.seal(ck[1], Tai64n.encode(now), h);
    h = Blake2s.hash(h, encTs);
    wipe();
    chainKey = c;
    hash = h;
    localEphemeral = e;
    localIndex = index;
    state = State.INITIATION_CREATED;
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
   * the state for {@link #createResponse}.
   */
  public synchronized Result consume(OpenedInitiation opened, long nowNanos) {
    if (!remote.usable() || !Arrays.equals(opened.remoteStatic(), remote.publicKey)) {
      return Result.BAD;
    }
    byte[][] ck = Kdf.kdf2(opened.chainKey(), remote.staticStatic);
    byte[] ts = Aead0.open(ck[1], opened.msg().encryptedTimestamp(), opened.hash());
    if (ts == null) {
      return Result.BAD;
    }
    byte[] h = Blake2s.hash(opened.hash(), opened.msg().encryptedTimestamp());
    if (!Tai64n.after(ts, latestTimestamp)) {
      return Result.REPLAY;
    }
    if (anyInitiation && nowNanos - lastInitiationNanos <= FLOOD_NANOS) {
      return Result.FLOOD;
    }
    wipe();
    chainKey = ck[0];
    hash = h;
    remoteEphemeral = opened.msg().ephemeral();
    remoteIndex = opened.msg().sender();
    latestTimestamp = ts;
    lastInitiationNanos = nowNanos;
    anyInitiation = true;
    state = State.INITIATION_CONSUMED;
    return Result.OK;
  }

  /**
   * Answers a consumed initiation with our index {@code index}; returns the response (MACs left for
   * the caller) and, through {@code out[0]}, the new session. Returns {@code null} if there is no
   * consumed initiation.
   */
  public synchronized Response createResponse(int index, long nowNanos, Keypair[] out) {
    if (state != State.INITIATION_CONSUMED) {
      return null;
    }
    byte[] e = X25519.generatePrivate();
    byte[] ePub = X25519.publicKey(e);
    byte[] c = Kdf.kdf1(chainKey, ePub);
    byte[] h = Blake2s.hash(hash, ePub);
    byte[] ee = X25519.sharedSecret(e, remoteEphemeral);
    byte[] se = X25519.sharedSecret(e, remote.publicKey);
    if (ee == null || se == null) {
      return null;
    }
    c = Kdf.kdf1(c, ee);
    c = Kdf.kdf1(c, se);
    byte[][] ctk = Kdf.kdf3(c, remote.presharedKey);
    c = ctk[0];
    h = Blake2s.hash(h, ctk[1]);
    byte[] encNothing = Aead0.seal(ctk[2], EMPTY, h);
    byte[][] keys = Kdf.kdf2(c, EMPTY);
    out[0] = new Keypair(keys[1], keys[0], index, remoteIndex, false, nowNanos);
    Response r = new Response(index, remoteIndex, ePub, encNothing, new byte[16], new byte[16]);
    Arrays.fill(e, (byte) 0);
    wipe();
    state = State.NONE;
    return r;
  }

  /**
   * Consumes a response to our pending initiation; returns the new session or {@code null} if the
   * response does not match or does not authenticate (e.g. a wrong preshared key).
   */
  public synchronized Keypair consume(Response msg, long nowNanos) {
    if (state != State.INITIATION_CREATED || msg.receiver() != localIndex) {
      return null;
    }
    byte[] c = Kdf.kdf1(chainKey, msg.ephemeral());
    byte[] h = Blake2s.hash(hash, msg.ephemeral());
    byte[] ee = X25519.sharedSecret(localEphemeral, msg.ephemeral());
    byte[] se = X25519.sharedSecret(local.privateKey, msg.ephemeral());
    if (ee == null || se == null) {
      return null;
    }
    c = Kdf.kdf1(c, ee);
    c = Kdf.kdf1(c, se);
    byte[][] ctk = Kdf.kdf3(c, remote.presharedKey);
    c = ctk[0];
    h = Blake2s.hash(h, ctk[1]);
    if (Aead0.open(ctk[2], msg.encryptedNothing(), h) == null) {
      return null;
    }
    byte[][] keys = Kdf.kdf2(c, EMPTY);
    Keypair kp = new Keypair(keys[0], keys[1], localIndex, msg.sender(), true, nowNanos);
    wipe();
    state = State.NONE;
    return kp;
  }

  /** Forgets any pending handshake and zeroes its secrets. */
  public synchronized void clear() {
    wipe();
    state = State.NONE;
  }

  private void wipe() {
    if (localEphemeral != null) {
      Arrays.fill(localEphemeral, (byte) 0);
    }
    if (chainKey != null && chainKey != INITIAL_CHAIN_KEY) {
      Arrays.fill(chainKey, (byte) 0);
    }
    localEphemeral = null;
    chainKey = null;
    hash = null;
    remoteEphemeral = null;
  }

  @Override
  public String toString() {
    return "Handshake[" + remote.key() + "]";
  }
}
