package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.wireguard.Keypair;

/**
 * A batch of packets moving through one direction of the pipeline: buffers with head-room, the
 * per-packet peer, session and counter chosen by the sequential stage, and the crypto result.
 * Batches are pooled and reused; nothing is allocated per packet.
 *
 * <p>Thread-safety: handed from stage to stage through queues (which publish the contents); the
 * crypto-done flag is guarded by {@code this}.
 */
final class PacketBatch {
  final byte[][] bufs;
  final int[] sizes;
  final Endpoint[] from;
  final Peer[] peers;
  final Keypair[] keypairs;
  final long[] counters;
  final int[] results;
  int count;

  // guarded by this
  private boolean done;

  PacketBatch(int batchSize, int bufferSize) {
    bufs = new byte[batchSize][bufferSize];
    sizes = new int[batchSize];
    from = new Endpoint[batchSize];
    peers = new Peer[batchSize];
    keypairs = new Keypair[batchSize];
    counters = new long[batchSize];
    results = new int[batchSize];
  }

  synchronized void markDone() {
    done = true;
    notifyAll();
  }

  synchronized void awaitDone() throws InterruptedException {
    while (!done) {
      wait();
    }
  }

  synchronized void reset() {
    done = false;
    for (int i = 0; i < count; i++) {
      peers[i] = null;
      keypairs[i] = null;
      from[i] = null;
    }
    count = 0;
  }
}
