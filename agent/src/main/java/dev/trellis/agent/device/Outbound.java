package dev.trellis.agent.device;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.tun.Tun;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.Transport;
import dev.trellis.proto.crypto.ChaChaPoly;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The outbound pipeline, TUN to UDP, in three stages (like wireguard-go's send.go):
 *
 * <ol>
 *   <li>{@code wg-tun-reader}: reads a batch from the TUN into pooled buffers 16 bytes in, finds
 *       each packet's peer by destination address (cryptokey routing), takes a counter of the
 *       peer's current session (or stages the packet and asks for a handshake), and hands the batch
 *       to both the crypto queue and the in-order queue;
 *   <li>{@code wg-encrypt-N}: pads and encrypts each packet in place and writes the transport
 *       header into the head-room;
 *   <li>{@code wg-udp-sender}: takes batches in the order they were read, waits for their crypto,
 *       and sends runs of packets for the same endpoint in one bind call. Per-peer order is kept
 *       because batches leave in the order they entered.
 * </ol>
 *
 * <p>Thread-safety: each stage runs on its own thread(s); batches move through blocking queues.
 */
final class Outbound {
  private final Core core;
  private final Tun tun;
  private final ArrayBlockingQueue<PacketBatch> free;
  private final ArrayBlockingQueue<PacketBatch> work;
  private final ArrayBlockingQueue<PacketBatch> ordered;

  Outbound(Core core, Tun tun) {
    this.core = core;
    this.tun = tun;
    int n = core.options.pipelineBatches();
    free = new ArrayBlockingQueue<>(n);
    work = new ArrayBlockingQueue<>(n);
    ordered = new ArrayBlockingQueue<>(n);
    int batch = Math.max(1, tun.batchSize());
    for (int i = 0; i < n; i++) {
      free.add(new PacketBatch(batch, core.bufferSize));
    }
  }

  /** The {@code wg-tun-reader} loop; returns when the TUN closes or the thread is interrupted. */
  void readTun() {
    DirectSender ds = new DirectSender(core.bufferSize);
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = free.take();
        int maxLen = core.options.maxPacketSize();
        int n;
        try {
          n = tun.read(b.bufs, b.sizes, Core.HEADROOM);
        } catch (IOException e) {
          return;
        }
        b.count = n;
        long now = core.clock.nanoTime();
        AllowedIps<Peer> routes = core.routes;
        TrafficFilter filter = core.filter;
        for (int i = 0; i < n; i++) {
          b.peers[i] = null;
          b.keypairs[i] = null;
          byte[] buf = b.bufs[i];
          int len = b.sizes[i];
          if (len > maxLen) {
            core.drops.drop(DropReason.OVERSIZED);
            continue;
          }
          Peer p = route(routes, buf, len);
          if (p == null) {
            core.drops.drop(DropReason.NO_ROUTE);
            continue;
          }
          if (p.endpoint == null) {
            core.drops.drop(DropReason.NO_ENDPOINT);
            continue;
          }
          if (filter != null) {
            filter.noteOutbound(buf, Core.HEADROOM, len);
          }
          Keypair kp = core.sendable(p, now);
          long counter = kp == null ? -1 : kp.nextCounter();
          if (counter < 0) {
            core.stage(p, buf, Core.HEADROOM, len, ds);
            continue;
          }
          b.peers[i] = p;
          b.keypairs[i] = kp;
          b.counters[i] = counter;
          core.keepFreshSending(p, kp, now);
        }
        ordered.put(b);
        work.put(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Peer route(AllowedIps<Peer> routes, byte[] buf, int len) {
    if (len < 1) {
      return null;
    }
    int version = (buf[Core.HEADROOM] & 0xff) >>> 4;
    if (version == 4 && len >= 20) {
      return routes.lookup(buf, Core.HEADROOM + 16, 4);
    }
    if (version == 6 && len >= 40) {
      return routes.lookup(buf, Core.HEADROOM + 24, 16);
    }
    return null;
  }

  /** A {@code wg-encrypt-N} loop. */
  void encrypt() {
    ChaChaPoly aead = ChaChaPoly.create();
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = work.take();
        for (int i = 0; i < b.count; i++) {
          Keypair kp = b.keypairs[i];
          if (kp == null) {
            continue;
          }
          byte[] buf = b.bufs[i];
          int len = b.sizes[i];
          int padded = core.paddedLength(len);
          Arrays.fill(buf, Core.HEADROOM + len, Core.HEADROOM + padded, (byte) 0);
          int sealed = aead.seal(kp.sendKey(), b.counters[i], buf, Core.HEADROOM, padded, null);
          Transport.writeHeader(buf, 0, kp.remoteIndex(), b.counters[i]);
          b.results[i] = Core.HEADROOM + sealed;
        }
        b.markDone();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The {@code wg-udp-sender} loop. */
  void sendUdp() {
    int batch = Math.max(1, tun.batchSize());
    byte[][] outBufs = new byte[batch][];
    int[] outSizes = new int[batch];
    try {
      while (!Thread.currentThread().isInterrupted()) {
        PacketBatch b = ordered.take();
        b.awaitDone();
        Bind bind = core.bind;
        long now = core.clock.nanoTime();
        int i = 0;
        while (i < b.count) {
          Peer p = b.peers[i];
          if (p == null) {
            i++;
            continue;
          }
          Endpoint to = p.endpoint;
          int k = 0;
          long bytes = 0;
          boolean data = false;
          int j = i;
          for (; j < b.count && (b.peers[j] == p || b.peers[j] == null); j++) {
            if (b.peers[j] == null) {
              continue;
            }
            outBufs[k] = b.bufs[j];
            outSizes[k] = b.results[j];
            bytes += b.results[j];
            data |= b.sizes[j] > 0;
            k++;
          }
          i = j;
          if (bind == null || to == null) {
            core.drops.drop(DropReason.NO_ENDPOINT);
            continue;
          }
          try {
            bind.send(outBufs, outSizes, 0, k, to);
          } catch (IOException e) {
            core.drops.drop(DropReason.IO_ERROR);
            continue;
          }
          p.txBytes.addAndGet(bytes);
          core.drops.count(Drops.Event.PACKET_SENT, k);
          if (data) {
            core.dataSent(p, now);
          }
          core.authenticatedSent(p, now);
        }
        Arrays.fill(outBufs, null);
        b.reset();
        free.put(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
