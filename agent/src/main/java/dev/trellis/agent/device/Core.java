package dev.trellis.agent.device;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.time.Clock;
import dev.trellis.agent.wireguard.CookieChecker;
import dev.trellis.agent.wireguard.Initiation;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.LocalIdentity;
import dev.trellis.agent.wireguard.Response;
import dev.trellis.agent.wireguard.Spec;
import dev.trellis.agent.wireguard.Transport;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The state a device's threads share and the protocol actions on one peer that any of them may
 * trigger: sending initiations and keepalives, staging and flushing packets, installing and
 * rotating sessions, zeroing keys, and the peer timer events of the WireGuard paper (section 6).
 *
 * <p>Thread-safety: configuration fields are volatile snapshots replaced by {@code reconfigure};
 * per-peer state is guarded as {@link Peer} documents.
 */
final class Core {
  static final int HEADROOM = Spec.TRANSPORT_HEADER_SIZE;
  private static final byte[] EMPTY = new byte[0];
  private static final long KEEPALIVE = Spec.KEEPALIVE_TIMEOUT.toNanos();
  private static final long REKEY_TIMEOUT = Spec.REKEY_TIMEOUT.toNanos();
  private static final long REJECT_AFTER = Spec.REJECT_AFTER_TIME.toNanos();
  private static final long REKEY_AFTER = Spec.REKEY_AFTER_TIME.toNanos();

  final Clock clock;
  final DeviceOptions options;
  final int bufferSize;
  final int mtu;
  final Drops drops = new Drops();
  final IndexTable<Peer> indices = new IndexTable<>();
  final RateLimiter limiter = new RateLimiter();
  final ArrayBlockingQueue<HandshakeJob> handshakes;

  volatile LocalIdentity local;
  volatile CookieChecker checker;
  volatile Bind bind;
  volatile AllowedIps<Peer> routes = new AllowedIps<>();

  /** The packet filter, or null to allow everything. */
  volatile TrafficFilter filter;

  volatile Map<NodePublicKey, Peer> peers = Map.of();

  Core(Clock clock, DeviceOptions options, int mtu) {
    this.clock = clock;
    this.options = options;
    this.mtu = mtu;
    this.bufferSize = options.maxPacketSize() + 64;
    this.handshakes = new ArrayBlockingQueue<>(options.handshakeQueue());
  }

  // ---- sending outside the batched pipeline ----

  void sendRaw(byte[] message, Endpoint to) {
    Bind b = bind;
    if (b == null || to == null) {
      drops.drop(DropReason.NO_ENDPOINT);
      return;
    }
    try {
      b.send(new byte[][] {message}, new int[] {message.length}, 0, 1, to);
    } catch (IOException e) {
      drops.drop(DropReason.IO_ERROR);
    }
  }

  /** Queues an initiation for the handshake thread (never blocks; deduplicated per peer). */
  void requestInitiation(Peer p) {
    if (p.initiationQueued.compareAndSet(false, true)
        && !handshakes.offer(new HandshakeJob(null, null, p, false))) {
      p.initiationQueued.set(false);
    }
  }

  /**
   * Queues a resend of {@code p}'s outstanding initiation, if it has one (never blocks;
   * deduplicated per peer): its path just changed, so the initiation most likely went down the old
   * one (a relay that cannot be reached) and its retransmission would wait for REKEY_TIMEOUT.
   */
  void requestResend(Peer p) {
    if (p.resendQueued.compareAndSet(false, true)
        && !handshakes.offer(new HandshakeJob(null, null, p, true))) {
      p.resendQueued.set(false);
    }
  }

  /** Resends {@code p}'s outstanding initiation now, unless none is outstanding. */
  void resendInitiation(Peer p) {
    sendInitiation(p, Send.RESEND);
  }

  /** Why an initiation is sent. */
  private enum Send {
    /** A new handshake. */
    NEW,
    /** The timer's retransmission of an unanswered one. */
    RETRY,
    /** The unanswered one again at once: the peer's path changed. */
    RESEND
  }

  /** Least time between a path change's resend and the initiation before it. */
  private static final long RESEND_GAP = 100_000_000L;

  /** Sends an initiation unless one went out less than REKEY_TIMEOUT ago. */
  void sendInitiation(Peer p, boolean retry) {
    sendInitiation(p, retry ? Send.RETRY : Send.NEW);
  }

  private void sendInitiation(Peer p, Send why) {
    LocalIdentity me = local;
    if (me == null) {
      return;
    }
    byte[] wire;
    long now = clock.nanoTime();
    synchronized (p.timers) {
      if (why == Send.RETRY && p.handshakeAttempts == 0) {
        // the handshake completed after the timer decided to retransmit: a new initiation now
        // would make the peer replace the session we just started using
        return;
      }
      if (why == Send.RESEND) {
        // only an initiation still unanswered, and not one that has only just gone out
        if (p.retransmitAt == Peer.OFF
            || p.lastInitiationSentNanos == Peer.OFF
            || now - p.lastInitiationSentNanos < RESEND_GAP) {
          return;
        }
      } else {
        if (why == Send.NEW) {
          p.handshakeAttempts = 0;
        }
        if (p.lastInitiationSentNanos != Peer.OFF
            && now - p.lastInitiationSentNanos < REKEY_TIMEOUT) {
          return;
        }
      }
      p.lastInitiationSentNanos = now;
      if (p.hasHandshakeIndex) {
        indices.remove(p.handshakeIndex);
      }
      p.handshakeIndex = indices.add(p);
      p.hasHandshakeIndex = true;
      Initiation init = p.handshake.createInitiation(p.handshakeIndex, clock.now());
      if (init == null) {
        indices.remove(p.handshakeIndex);
        p.hasHandshakeIndex = false;
        return;
      }
      wire = init.encode();
      p.cookies.addMacs(wire, now);
      p.retransmitAt = now + REKEY_TIMEOUT + jitter();
    }
    sendRaw(wire, p.endpoint);
    drops.count(Drops.Event.HANDSHAKE_INITIATED);
    authenticatedSent(p, now);
  }

  private static long jitter() {
    return ThreadLocalRandom.current().nextLong(Spec.REKEY_TIMEOUT_JITTER_MAX.toNanos() + 1);
  }

  /** The current session if it may still send at {@code now}. */
  Keypair sendable(Peer p, long now) {
    Keypair k = p.current;
    if (k == null || k.destroyed() || k.ageNanos(now) >= REJECT_AFTER) {
      return null;
    }
    return k;
  }

  /** Holds a copy of a packet until the peer has a session, and asks for a handshake. */
  void stage(Peer p, byte[] buf, int off, int len, DirectSender ds) {
    synchronized (p) {
      if (p.staged.size() >= options.stagedPackets()) {
        p.staged.poll();
        drops.drop(DropReason.STAGED_OVERFLOW);
      }
      p.staged.add(Arrays.copyOfRange(buf, off, off + len));
    }
    if (sendable(p, clock.nanoTime()) != null) {
      sendStaged(p, ds);
    } else {
      requestInitiation(p);
    }
  }

  /** Sends the staged packets on the current session, or asks for a handshake if there is none. */
  void sendStaged(Peer p, DirectSender ds) {
    while (true) {
      byte[] pkt;
      Keypair kp;
      synchronized (p) {
        if (p.staged.isEmpty()) {
          return;
        }
        kp = sendable(p, clock.nanoTime());
        if (kp == null) {
          break;
        }
        pkt = p.staged.poll();
      }
      sendOne(p, kp, pkt, ds);
    }
    requestInitiation(p);
  }

  /** Sends a keepalive (or the staged packets, which serve as one). */
  void sendKeepalive(Peer p, DirectSender ds) {
    synchronized (p) {
      if (p.staged.isEmpty()) {
        p.staged.add(EMPTY);
      }
    }
    sendStaged(p, ds);
  }

  private void sendOne(Peer p, Keypair kp, byte[] pkt, DirectSender ds) {
    long counter = kp.nextCounter();
    if (counter < 0) {
      drops.drop(DropReason.KEY_EXPIRED);
      requestInitiation(p);
      return;
    }
    byte[] buf = ds.bufs[0];
    int len = pkt.length;
    if (HEADROOM + Transport.paddedLength(len) + 16 > buf.length) {
      drops.drop(DropReason.OVERSIZED);
      return;
    }
    System.arraycopy(pkt, 0, buf, HEADROOM, len);
    int padded = paddedLength(len);
    Arrays.fill(buf, HEADROOM + len, HEADROOM + padded, (byte) 0);
    int n = ds.aead.seal(kp.sendKey(), counter, buf, HEADROOM, padded, null);
    Transport.writeHeader(buf, 0, kp.remoteIndex(), counter);
    ds.sizes[0] = HEADROOM + n;
    Endpoint ep = p.endpoint;
    Bind b = bind;
    if (ep == null || b == null) {
      drops.drop(DropReason.NO_ENDPOINT);
      return;
    }
    try {
      b.send(ds.bufs, ds.sizes, 0, 1, ep);
    } catch (IOException e) {
      drops.drop(DropReason.IO_ERROR);
      return;
    }
    long now = clock.nanoTime();
    p.txBytes.addAndGet(ds.sizes[0]);
    drops.count(Drops.Event.PACKET_SENT);
    if (len == 0) {
      drops.count(Drops.Event.KEEPALIVE_SENT);
    } else {
      dataSent(p, now);
    }
    authenticatedSent(p, now);
    keepFreshSending(p, kp, now);
  }

  /** Padding as wireguard-go: to a multiple of 16, but not beyond the MTU. */
  int paddedLength(int len) {
    int padded = Transport.paddedLength(len);
    return len <= mtu && padded > mtu ? len : padded;
  }

  // ---- sessions ----

  /**
   * Completes our pending initiation with the peer's response; the handshake index then belongs to
   * the new session. Runs under the timer lock, as {@link #sendInitiation} does, so a concurrent
   * new initiation cannot free or replace the index between the two steps. Returns {@code null} if
   * the response does not complete our pending initiation.
   */
  Keypair consumeResponse(Peer p, Response msg, long now) {
    synchronized (p.timers) {
      Keypair kp = p.handshake.consume(msg, now);
      if (kp != null && p.hasHandshakeIndex && p.handshakeIndex == kp.localIndex()) {
        p.hasHandshakeIndex = false;
      }
      return kp;
    }
  }

  /**
   * Installs a session we initiated, normally as current; a responder session still awaiting
   * confirmation (next) then becomes previous, so packets the peer sends on it are still accepted,
   * and the old current is destroyed (as wireguard-go).
   *
   * <p>If a peer initiation crossed this one (its responder session was derived while this one was
   * pending), both sides may now hold two session pairs that match crosswise, and must settle on
   * the same one: if each kept sending on its own initiator session, each pair's receiving end
   * would sit in a previous slot and die at the next responder handshake. The initiation of the
   * side that {@link dev.trellis.agent.wireguard.Handshake#initiationPrevails() prevails} wins.
   * That side installs as usual. On the other side, if the crossed responder session is already
   * confirmed (the peer sends on it) our session is destroyed; if it is still next, ours becomes
   * current but the responder session stays next, so the peer's first packet on its own session
   * confirms it and we switch over. A peer that never completes its crossed initiation (e.g.
   * wireguard-go, which drops its pending initiation when it answers ours) then simply keeps using
   * our session. Returns whether {@code kp} was installed.
   */
  boolean installInitiatorSession(Peer p, Keypair kp) {
    synchronized (p) {
      Keypair crossed = p.crossing;
      p.crossing = null;
      boolean giveWay =
          crossed != null
              && p.crossingIndex == kp.localIndex()
              && !p.handshake.initiationPrevails();
      if (giveWay && crossed == p.current) {
        destroy(kp);
        return false;
      }
      Keypair prev = p.previous;
      Keypair cur = p.current;
      Keypair nxt = p.next;
      if (nxt != null && !(giveWay && nxt == crossed)) {
        p.next = null;
        p.previous = nxt;
        destroy(cur);
      } else {
        p.previous = cur;
      }
      destroy(prev);
      p.current = kp;
    }
    return true;
  }

  /**
   * Installs a session the peer initiated as next, to be confirmed by the peer's first packet on
   * it. Our own pending initiation, if any, is untouched; the session remembers that it crossed it.
   */
  void installResponderSession(Peer p, Keypair kp) {
    boolean crossed;
    int pending;
    synchronized (p.timers) {
      crossed = p.hasHandshakeIndex;
      pending = p.handshakeIndex;
    }
    synchronized (p) {
      Keypair nxt = p.next;
      Keypair prev = p.previous;
      p.next = kp;
      p.crossing = crossed ? kp : null;
      p.crossingIndex = pending;
      destroy(nxt);
      p.previous = null;
      destroy(prev);
    }
  }

  /** Promotes {@code kp} from next to current when the first packet arrives on it. */
  boolean confirm(Peer p, Keypair kp) {
    if (p.next != kp) {
      return false;
    }
    synchronized (p) {
      if (p.next != kp) {
        return false;
      }
      Keypair old = p.previous;
      p.previous = p.current;
      p.current = kp;
      p.next = null;
      destroy(old);
    }
    return true;
  }

  void destroy(Keypair k) {
    if (k != null) {
      indices.remove(k.localIndex());
      k.destroy();
    }
  }

  /** Zeroes every session and the pending handshake of a peer. */
  void zeroKeys(Peer p) {
    synchronized (p) {
      destroy(p.current);
      destroy(p.previous);
      destroy(p.next);
      p.current = null;
      p.previous = null;
      p.next = null;
      p.crossing = null;
      p.staged.clear();
    }
    synchronized (p.timers) {
      if (p.hasHandshakeIndex) {
        indices.remove(p.handshakeIndex);
        p.hasHandshakeIndex = false;
      }
      p.handshake.clear();
    }
  }

  // ---- timer events ----

  void dataSent(Peer p, long now) {
    synchronized (p.timers) {
      if (p.newHandshakeAt == Peer.OFF) {
        p.newHandshakeAt = now + KEEPALIVE + REKEY_TIMEOUT + jitter();
      }
    }
  }

  void dataReceived(Peer p, long now) {
    synchronized (p.timers) {
      if (p.sendKeepaliveAt == Peer.OFF) {
        p.sendKeepaliveAt = now + KEEPALIVE;
      } else {
        p.needAnotherKeepalive = true;
      }
    }
  }

  void authenticatedSent(Peer p, long now) {
    synchronized (p.timers) {
      p.sendKeepaliveAt = Peer.OFF;
      traversal(p, now);
    }
  }

  void authenticatedReceived(Peer p, long now) {
    synchronized (p.timers) {
      p.newHandshakeAt = Peer.OFF;
      traversal(p, now);
    }
  }

  private static void traversal(Peer p, long now) {
    long every = p.config.persistentKeepalive().toNanos();
    if (every > 0) {
      p.persistentKeepaliveAt = now + every;
    }
  }

  void sessionDerived(Peer p, long now) {
    synchronized (p.timers) {
      p.zeroKeysAt = now + 3 * REJECT_AFTER;
    }
  }

  void handshakeComplete(Peer p) {
    synchronized (p.timers) {
      p.retransmitAt = Peer.OFF;
      p.handshakeAttempts = 0;
    }
    p.latestHandshake = clock.now();
    drops.count(Drops.Event.HANDSHAKE_COMPLETED);
  }

  void keepFreshSending(Peer p, Keypair kp, long now) {
    if (kp.initiator()
        && (kp.ageNanos(now) > REKEY_AFTER
            || Long.compareUnsigned(kp.sentMessages(), Spec.REKEY_AFTER_MESSAGES) > 0)) {
      requestInitiation(p);
    }
  }

  void keepFreshReceiving(Peer p, Keypair kp, long now) {
    if (kp.initiator() && kp.ageNanos(now) > REJECT_AFTER - KEEPALIVE - REKEY_TIMEOUT) {
      requestInitiation(p);
    }
  }
}
