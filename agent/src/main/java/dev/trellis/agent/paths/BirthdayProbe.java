package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The birthday approach to a peer behind an endpoint-dependent ("hard") NAT, as Tailscale's "How
 * NAT traversal works" describes it: the hard NAT gave the peer's packets to us a port we cannot
 * know, and our NAT's filter drops them unless we have sent to exactly that port; so once ordinary
 * discovery has failed, we ping many random ports of the peer's public address. A probe that hits
 * the port is a reply as far as the peer's NAT is concerned, reaches the peer, and its pong comes
 * back from that port through the hole the probe opened in ours.
 *
 * <p>Bounded: {@link #PER_ROUND} probes per discovery round, {@link #ROUNDS} rounds, then nothing
 * until the peer's endpoints change ({@link #reset}). All probes of a round share one transaction
 * id, and a pong with it is accepted from any port of the address probed.
 *
 * <p>Thread-safety: guarded by the owning {@link PeerPath}'s lock.
 */
final class BirthdayProbe {
  /** Probes per round. */
  static final int PER_ROUND = 1024;

  /** Rounds before giving up (until the peer's endpoints change). */
  static final int ROUNDS = 4;

  /** Failed discovery rounds (no direct path) before the first birthday round. */
  static final int AFTER_FAILED_ROUNDS = 2;

  private static final int LOW_PORT = 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private int rounds;
  private ByteBuffer txId;
  private InetAddress target;
  private long sentAt;

  /** Whether another round may be sent. */
  boolean due(int failedRounds) {
    return failedRounds >= AFTER_FAILED_ROUNDS && rounds < ROUNDS;
  }

  /**
   * Starts a round at {@code target} with transaction id {@code tx}: returns the endpoints to ping
   * (distinct random ports from 1024 up).
   */
  List<Endpoint> round(InetAddress target, byte[] tx, long now) {
    rounds++;
    this.target = target;
    this.txId = ByteBuffer.wrap(tx.clone());
    this.sentAt = now;
    java.util.BitSet used = new java.util.BitSet(65536);
    List<Endpoint> out = new ArrayList<>(PER_ROUND);
    while (out.size() < PER_ROUND) {
      int port = LOW_PORT + RANDOM.nextInt(65536 - LOW_PORT);
      if (!used.get(port)) {
        used.set(port);
        out.add(new Endpoint(target, port));
      }
    }
    return out;
  }

  /** When the current round was sent, if {@code tx} from {@code from} answers it; else -1. */
  long answers(byte[] tx, Endpoint from) {
    if (txId == null || from == null || !txId.equals(ByteBuffer.wrap(tx))) {
      return -1;
    }
    return from.address().equals(target) ? sentAt : -1;
  }

  /** Allows new rounds (the peer's endpoints changed, or a direct path was found and lost). */
  void reset() {
    rounds = 0;
    txId = null;
    target = null;
  }

  /** Rounds sent since the last reset. */
  int rounds() {
    return rounds;
  }
}
