package dev.trellis.agent.device;

import dev.trellis.agent.wireguard.Spec;

/**
 * The {@code wg-timers} thread: every tick of the injected clock it checks each peer's deadlines
 * (handshake retransmit and give-up, passive and persistent keepalives, new handshake when the peer
 * went silent, zeroing keys after 3 x REJECT_AFTER_TIME) and acts on the expired ones. With a test
 * clock the thread wakes whenever the test advances time.
 *
 * <p>Thread-safety: runs on one thread; deadlines are read and cleared under each peer's timer
 * lock, actions run outside it.
 */
final class TimerLoop {
  private static final long KEEPALIVE = Spec.KEEPALIVE_TIMEOUT.toNanos();
  private static final long ZERO_AFTER = 3 * Spec.REJECT_AFTER_TIME.toNanos();
  private final Core core;

  TimerLoop(Core core) {
    this.core = core;
  }

  void run() {
    DirectSender ds = new DirectSender(core.bufferSize);
    long tick = core.options.timerTick().toNanos();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        core.clock.sleep(tick);
        tick(ds);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void tick(DirectSender ds) {
    long now = core.clock.nanoTime();
    for (Peer p : core.peers.values()) {
      boolean retransmit = false;
      boolean giveUp = false;
      boolean keepalive = false;
      boolean newHandshake = false;
      boolean zero = false;
      synchronized (p.timers) {
        if (p.retransmitAt != Peer.OFF && now >= p.retransmitAt) {
          p.retransmitAt = Peer.OFF;
          if (p.handshakeAttempts > Spec.MAX_TIMER_HANDSHAKES) {
            giveUp = true;
            if (p.zeroKeysAt == Peer.OFF) {
              p.zeroKeysAt = now + ZERO_AFTER;
            }
          } else {
            p.handshakeAttempts++;
            retransmit = true;
          }
        }
        if (p.sendKeepaliveAt != Peer.OFF && now >= p.sendKeepaliveAt) {
          p.sendKeepaliveAt = Peer.OFF;
          keepalive = true;
          if (p.needAnotherKeepalive) {
            p.needAnotherKeepalive = false;
            p.sendKeepaliveAt = now + KEEPALIVE;
          }
        }
        if (p.newHandshakeAt != Peer.OFF && now >= p.newHandshakeAt) {
          p.newHandshakeAt = Peer.OFF;
          newHandshake = true;
        }
        if (p.zeroKeysAt != Peer.OFF && now >= p.zeroKeysAt) {
          p.zeroKeysAt = Peer.OFF;
          zero = true;
        }
        if (p.persistentKeepaliveAt != Peer.OFF && now >= p.persistentKeepaliveAt) {
          p.persistentKeepaliveAt = Peer.OFF;
          keepalive = true;
        }
      }
      if (giveUp) {
        int dropped;
        synchronized (p) {
          dropped = p.staged.size();
          p.staged.clear();
        }
        for (int i = 0; i < dropped; i++) {
          core.drops.drop(DropReason.HANDSHAKE_GAVE_UP);
        }
      }
      if (retransmit) {
        core.sendInitiation(p, true);
      }
      if (newHandshake) {
        core.sendInitiation(p, false);
      }
      if (keepalive) {
        core.sendKeepalive(p, ds);
      }
      if (zero) {
        core.zeroKeys(p);
      }
    }
  }
}
