package dev.trellis.agent.wireguard;

import dev.trellis.proto.crypto.AeadKey;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session: the transport keys derived by a handshake, the two indices, the send counter and the
 * receive replay window.
 *
 * <p>Thread-safety: keys and indices are final; the send counter is atomic (encrypting threads take
 * counters concurrently); the replay window must be used from one thread at a time.
 */
public final class Keypair {
  private final AeadKey sendKey;
  private final AeadKey receiveKey;
  private final int localIndex;
  private final int remoteIndex;
  private final boolean initiator;
  private final long createdNanos;
  private final AtomicLong sendCounter = new AtomicLong();
  private final ReplayWindow replay = new ReplayWindow();
  private volatile boolean destroyed;

  /** A session with the given keys (copied) and indices, created at {@code createdNanos}. */
  public Keypair(
      byte[] sendKey,
      byte[] receiveKey,
      int localIndex,
      int remoteIndex,
      boolean initiator,
      long createdNanos) {
    this.sendKey = new AeadKey(sendKey);
    this.receiveKey = new AeadKey(receiveKey);
    this.localIndex = localIndex;
    this.remoteIndex = remoteIndex;
    this.initiator = initiator;
    this.createdNanos = createdNanos;
  }

  public AeadKey sendKey() {
    return sendKey;
  }

  public AeadKey receiveKey() {
    return receiveKey;
  }

  /** Our index: the receiver index the peer puts in transport messages to us. */
  public int localIndex() {
    return localIndex;
  }

  /** The peer's index: what we put in transport messages to the peer. */
  public int remoteIndex() {
    return remoteIndex;
  }

  /** Whether we initiated the handshake that made this session. */
  public boolean initiator() {
    return initiator;
  }

  /** When the session was derived, in {@code Clock#nanoTime()} units. */
  public long createdNanos() {
    return createdNanos;
  }

  /** The session's age at {@code nowNanos}. */
  public long ageNanos(long nowNanos) {
    return nowNanos - createdNanos;
  }

  /**
   * Takes the next send counter, or returns -1 if the session has sent {@link
   * Spec#REJECT_AFTER_MESSAGES} messages or has been destroyed.
   */
  public long nextCounter() {
    if (destroyed) {
      return -1;
    }
    long c = sendCounter.getAndIncrement();
    return Long.compareUnsigned(c, Spec.REJECT_AFTER_MESSAGES) >= 0 ? -1 : c;
  }

  /** Counters taken so far. */
  public long sentMessages() {
    return sendCounter.get();
  }

  /** Sets the send counter (tests of the message limits only). */
  public void forceSendCounter(long value) {
    sendCounter.set(value);
  }

  /** The replay window; one thread at a time. */
  public ReplayWindow replay() {
    return replay;
  }

  /** Whether {@link #destroy()} has run. */
  public boolean destroyed() {
    return destroyed;
  }

  /** Zeroes the keys; the session can no longer send. */
  public void destroy() {
    destroyed = true;
    sendKey.destroy();
    receiveKey.destroy();
  }

  @Override
  public String toString() {
    return "Keypair[local="
        + Integer.toUnsignedString(localIndex)
        + ", initiator="
        + initiator
        + "]";
  }
}
