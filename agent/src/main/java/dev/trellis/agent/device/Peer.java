package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.wireguard.CookieGenerator;
import dev.trellis.agent.wireguard.Handshake;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.RemoteIdentity;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One peer's live state: its handshake, its sessions (current, previous, next), its endpoint, the
 * packets staged while it has no session, its byte counters and its timers.
 *
 * <p>Thread-safety: sessions and endpoint are volatile for lock-free reads on the packet path;
 * session changes and the staged queue are guarded by {@code this}; timer deadlines and handshake
 * retry state are guarded by {@link #timers}.
 */
final class Peer {
  static final long OFF = Long.MIN_VALUE;

  final RemoteIdentity remote;
  final Handshake handshake;
  final CookieGenerator cookies;
  volatile PeerConfig config;
  volatile Endpoint endpoint;
  volatile Keypair current;
  volatile Keypair previous;
  volatile Keypair next;
  volatile Instant latestHandshake;
  final AtomicLong rxBytes = new AtomicLong();
  final AtomicLong txBytes = new AtomicLong();
  final AtomicBoolean initiationQueued = new AtomicBoolean();
  final AtomicBoolean resendQueued = new AtomicBoolean();

  // guarded by this
  final ArrayDeque<byte[]> staged = new ArrayDeque<>();
  // the responder session derived from a peer initiation that crossed our pending one, and the
  // pending one's index
  Keypair crossing;
  int crossingIndex;

  final Object timers = new Object();
  // all guarded by timers
  long retransmitAt = OFF;
  long sendKeepaliveAt = OFF;
  long newHandshakeAt = OFF;
  long zeroKeysAt = OFF;
  long persistentKeepaliveAt = OFF;
  boolean needAnotherKeepalive;
  int handshakeAttempts;
  long lastInitiationSentNanos = OFF;
  int handshakeIndex;
  boolean hasHandshakeIndex;

  Peer(RemoteIdentity remote, Handshake handshake, PeerConfig config) {
    this.remote = remote;
    this.handshake = handshake;
    this.cookies = new CookieGenerator(remote);
    this.config = config;
    this.endpoint = config.endpoint();
  }

  /** The session with our index {@code index}, or {@code null}. */
  Keypair keypairFor(int index) {
    Keypair k = current;
    if (k != null && k.localIndex() == index) {
      return k;
    }
    k = next;
    if (k != null && k.localIndex() == index) {
      return k;
    }
    k = previous;
    if (k != null && k.localIndex() == index) {
      return k;
    }
    return null;
  }

  @Override
  public String toString() {
    return "Peer[" + remote.key() + "]";
  }
}
