package dev.trellis.agent.device;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.tun.Tun;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.Messages;
import dev.trellis.agent.wireguard.Spec;
import dev.trellis.agent.wireguard.Transport;
import dev.trellis.proto.crypto.ChaChaPoly;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The inbound pipeline, UDP to TUN, in three stages (like wireguard-go's receive.go):
 *
 * <ol>
 *   <li>{@code wg-udp-receiver}: receives a batch, drops malformed datagrams, copies handshake
 *       messages to the handshake queue, and finds each transport message's session by its receiver
 *       index;
 *   <li>{@code wg-decrypt-N}: decrypts and authenticates in place;
 *   <li>{@code wg-tun-writer}: in arrival order, checks the replay window, confirms a new session,
 *       lets the peer roam to the packet's source, runs the timers, checks the inner source address
 *       against the peer's allowed IPs, and writes the batch to the TUN.
 * </ol>
 *
 * <p>Thread-safety: each stage runs on its own thread(s); replay windows are touched only by the
 * writer thread.
 */
final class Inbound {
  private final Core core;
  private final Tun tun;
  private final ArrayBlockingQueue<PacketBatch> free;
  private final ArrayBlockingQueue<PacketBatch> work;
  private final ArrayBlockingQueue<PacketBatch> ordered;
  private final int batchSize;

  Inbound(Core core, Tun tun, int batchSize) {
    this.core = core;
    this.tun = tun;
    this.batchSize = batchSize;
    int n = core.options.pipelineBatches();
    free = new ArrayBlockingQueue<>(n);
    work = new ArrayBlockingQueue<>(n);
    ordered = new ArrayBlockingQueue<>(n);
    for (int i = 0; i < n; i++) {
      free.add(new PacketBatch(batchSize, core.bufferSize));
    }
  }

  /** The {@code wg-udp-receiver} loop for one bind; returns when the bind closes. */
  void receive(Bind bind) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = free.take();
        int n;
        try {
          n = bind.receive(b.bufs, b.sizes, 0, b.from);
        } catch (IOException e) {
          free.put(b);
          return;
        }
        b.count = Math.min(n, batchSize);
        long now = core.clock.nanoTime();
        for (int i = 0; i < b.count; i++) {
          b.peers[i] = null;
          b.keypairs[i] = null;
          byte[] buf = b.bufs[i];
          int len = b.sizes[i];
          int type = Messages.classify(buf, 0, len);
          if (type == 0) {
            core.drops.drop(DropReason.BAD_PACKET);
          } else if (type != Spec.TYPE_TRANSPORT) {
            if (!core.handshakes.offer(HandshakeJob.received(Arrays.copyOf(buf, len), b.from[i]))) {
              core.drops.drop(DropReason.HANDSHAKE_QUEUE_FULL);
            }
          } else {
            int index = Transport.receiver(buf, 0);
            Peer p = core.indices.get(index);
            Keypair kp = p == null ? null : p.keypairFor(index);
            if (kp == null || kp.destroyed()) {
              core.drops.drop(DropReason.UNKNOWN_INDEX);
            } else if (kp.ageNanos(now) >= Spec.REJECT_AFTER_TIME.toNanos()) {
              core.drops.drop(DropReason.KEY_EXPIRED);
            } else {
              b.peers[i] = p;
              b.keypairs[i] = kp;
              b.counters[i] = Transport.counter(buf, 0);
            }
          }
        }
        ordered.put(b);
        work.put(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A {@code wg-decrypt-N} loop. */
  void decrypt() {
    ChaChaPoly aead = ChaChaPoly.create();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = work.take();
        for (int i = 0; i < b.count; i++) {
          Keypair kp = b.keypairs[i];
          if (kp != null) {
            int len = b.sizes[i] - Core.HEADROOM;
            b.results[i] =
                aead.open(kp.receiveKey(), b.counters[i], b.bufs[i], Core.HEADROOM, len, null);
          }
        }
        b.markDone();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The {@code wg-tun-writer} loop. */
  void writeTun() {
    DirectSender ds = new DirectSender(core.bufferSize);
    byte[][] outBufs = new byte[batchSize][];
    int[] outSizes = new int[batchSize];
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = ordered.take();
        b.awaitDone();
        long now = core.clock.nanoTime();
        AllowedIps<Peer> routes = core.routes;
        TrafficFilter filter = core.filter;
        int k = 0;
        for (int i = 0; i < b.count; i++) {
          Peer p = b.peers[i];
          Keypair kp = b.keypairs[i];
          if (p == null) {
            continue;
          }
          int n = b.results[i];
          if (n < 0) {
            core.drops.drop(DropReason.WRONG_KEY);
            continue;
          }
          if (!kp.replay().accept(b.counters[i])) {
            core.drops.drop(DropReason.REPLAY);
            continue;
          }
          core.drops.count(Drops.Event.PACKET_RECEIVED);
          p.rxBytes.addAndGet(b.sizes[i]);
          if (core.confirm(p, kp)) {
            core.handshakeComplete(p);
            core.sendStaged(p, ds);
          }
          core.keepFreshReceiving(p, kp, now);
          if (!b.from[i].equals(p.endpoint)) {
            p.endpoint = b.from[i];
          }
          core.authenticatedReceived(p, now);
          if (n == 0) {
            continue;
          }
          core.dataReceived(p, now);
          int inner = innerLength(b.bufs[i], n);
          if (inner < 0) {
            core.drops.drop(DropReason.BAD_INNER_PACKET);
            continue;
          }
          byte[] buf = b.bufs[i];
          boolean v4 = (buf[Core.HEADROOM] & 0xf0) == 0x40;
          Peer owner =
              v4
                  ? routes.lookup(buf, Core.HEADROOM + 12, 4)
                  : routes.lookup(buf, Core.HEADROOM + 8, 16);
          if (owner != p) {
            core.drops.drop(DropReason.SOURCE_NOT_ALLOWED);
            continue;
          }
          if (filter != null && !filter.allowInbound(buf, Core.HEADROOM, inner)) {
            core.drops.drop(DropReason.FILTERED);
            continue;
          }
          outBufs[k] = buf;
          outSizes[k] = inner;
          k++;
        }
        if (k > 0) {
          try {
            tun.write(outBufs, outSizes, Core.HEADROOM, k);
          } catch (IOException e) {
            core.drops.drop(DropReason.IO_ERROR);
          }
        }
        Arrays.fill(outBufs, null);
        b.reset();
        free.put(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The IP packet's own length (without padding), or -1 if the header is not plausible. */
  static int innerLength(byte[] buf, int n) {
    int o = Core.HEADROOM;
    int version = (buf[o] & 0xff) >>> 4;
    if (version == 4 && n >= 20) {
      int total = (buf[o + 2] & 0xff) << 8 | (buf[o + 3] & 0xff);
      return total >= 20 && total <= n ? total : -1;
    }
    if (version == 6 && n >= 40) {
      int total = 40 + ((buf[o + 4] & 0xff) << 8 | (buf[o + 5] & 0xff));
      return total <= n ? total : -1;
    }
    return -1;
  }
}
