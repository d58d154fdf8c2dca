package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.Endpoint;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Bind} the WireGuard device sees: sends to a virtual endpoint go wherever {@link Paths}
 * routes that peer (direct UDP or a relay); receives merge WireGuard from the UDP socket (disco and
 * STUN taken out on the way) with WireGuard that came through a relay.
 *
 * <p>Receive flow: the {@code paths-udp-receiver} thread reads batches from the UDP socket into
 * pooled buffers, lets {@link Paths#fromUdp} consume disco/STUN and attribute the rest, and queues
 * the batch; relayed packets are copied into a pooled batch of their own that is queued when full
 * or when the relay reader has nothing more at hand ({@link #flushRelayed}), so a burst of relayed
 * packets costs one hand-off and no allocation; the device's receiver takes from the queue and
 * copies into its own buffers. Datagrams larger than {@value #BUFFER} bytes are dropped (by the
 * socket, or counted for relayed ones). When the device falls behind, relay readers wait for a free
 * batch (up to {@value #RELAY_WAIT_MS} ms, then drop and count): the wait holds back the relay's
 * TCP stream, which is where a relayed flow should feel the pressure.
 *
 * <p>Thread-safety: one receiving thread and any number of senders, as {@link Bind} requires.
 */
final class PathBind implements Bind {
  static final int BUFFER = 4096;
  private static final int POOL = 4;
  static final int RELAY_POOL = 8;
  static final int RELAY_BATCH = 64;
  static final int RELAY_WAIT_MS = 100;
  private static final Batch CLOSED = new Batch(0, 0, null);

  private static final class Batch {
    final byte[][] bufs;
    final int[] sizes;
    final Endpoint[] from;
    final ArrayBlockingQueue<Batch> home; // the pool it returns to once read
    int count;
    int next;

    Batch(int n, int size, ArrayBlockingQueue<Batch> home) {
      bufs = new byte[n][size];
      sizes = new int[n];
      from = new Endpoint[n];
      this.home = home;
    }
  }

  private final Paths paths;
  private final Bind udp;
  private final ArrayBlockingQueue<Batch> free = new ArrayBlockingQueue<>(POOL);
  private final ArrayBlockingQueue<Batch> relayFree = new ArrayBlockingQueue<>(RELAY_POOL);
  private final Object relayLock = new Object();
  private Batch relayed; // guarded by relayLock: the batch relay readers are filling
  private final LinkedBlockingQueue<Batch> ready = new LinkedBlockingQueue<>(4096);
  private final AtomicLong relayQueueDrops = new AtomicLong();
  private final Thread reader;
  private volatile boolean closed;
  private Batch current; // receiver thread only

  PathBind(Paths paths, Bind udp) {
    this.paths = paths;
    this.udp = udp;
    for (int i = 0; i < POOL; i++) {
      free.add(new Batch(udp.batchSize(), BUFFER, free));
    }
    for (int i = 0; i < RELAY_POOL; i++) {
      relayFree.add(new Batch(RELAY_BATCH, BUFFER, relayFree));
    }
    reader = Thread.ofPlatform().name("paths-udp-receiver").daemon().start(this::readUdp);
  }

  private void readUdp() {
    try {
      while (!closed) {
        Batch b = free.take();
        int n;
        try {
          n = udp.receive(b.bufs, b.sizes, 0, b.from);
        } catch (IOException e) {
          break;
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
          Endpoint from = paths.fromUdp(b.bufs[i], 0, b.sizes[i], b.from[i]);
          if (from == null) {
            continue;
          }
          if (kept != i) {
            byte[] t = b.bufs[kept];
            b.bufs[kept] = b.bufs[i];
            b.bufs[i] = t;
            b.sizes[kept] = b.sizes[i];
          }
          b.from[kept++] = from;
        }
        b.count = kept;
        b.next = 0;
        if (kept == 0) {
          free.put(b);
        } else {
          ready.put(b);
        }
      }
    } catch (InterruptedException e) {
      // closing
    }
    ready.offer(CLOSED);
  }

  /**
   * Adds a packet that came through a relay, as if from {@code from}, to the batch being filled
   * (queued when full, or by {@link #flushRelayed}); {@code data} may be reused once this returns.
   */
  void deliver(byte[] data, int off, int len, Endpoint from) {
    if (closed) {
      return;
    }
    if (len > BUFFER) {
      relayQueueDrops.incrementAndGet(); // as the UDP socket drops what exceeds its buffers
      return;
    }
    synchronized (relayLock) {
      Batch b = relayed;
      if (b == null) {
        b = relayFree.poll();
        if (b == null) {
          try {
            b = relayFree.poll(RELAY_WAIT_MS, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          if (b == null) {
            relayQueueDrops.incrementAndGet();
            return;
          }
        }
        b.count = 0;
        b.next = 0;
        relayed = b;
      }
      System.arraycopy(data, off, b.bufs[b.count], 0, len);
      b.sizes[b.count] = len;
      b.from[b.count] = from;
      if (++b.count == b.bufs.length) {
        relayed = null;
        queueRelayed(b);
      }
    }
  }

  /** Queues the relayed packets added since the last hand-off, if any. */
  void flushRelayed() {
    synchronized (relayLock) {
      Batch b = relayed;
      if (b != null) {
        relayed = null;
        queueRelayed(b);
      }
    }
  }

  private void queueRelayed(Batch b) {
    if (!ready.offer(b)) {
      relayQueueDrops.addAndGet(b.count);
      relayFree.offer(b);
    }
  }

  @Override
  public int receive(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) throws IOException {
    int n = 0;
    try {
      while (n == 0) {
        if (current == null) {
          current = ready.take();
        }
        if (current == CLOSED) {
          ready.offer(CLOSED);
          current = null;
          throw new ClosedChannelException();
        }
        Batch b = current;
        while (b.next < b.count && n < bufs.length) {
          int size = b.sizes[b.next];
          if (size <= bufs[n].length - offset) {
            System.arraycopy(b.bufs[b.next], 0, bufs[n], offset, size);
            sizes[n] = size;
            from[n] = b.from[b.next];
            n++;
          }
          b.next++;
        }
        if (b.next >= b.count) {
          current = null;
          if (b.home != null) {
            b.home.put(b);
          }
        }
        if (n < bufs.length && current == null) {
          Batch more = ready.peek();
          if (more == null || more == CLOSED) {
            break;
          }
          current = ready.poll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
    return n;
  }

  @Override
  public void send(byte[][] bufs, int[] sizes, int offset, int count, Endpoint to)
      throws IOException {
    PeerPath p = paths.peerOf(to);
    if (p == null) {
      udp.send(bufs, sizes, offset, count, to); // a plain endpoint (a peer outside the tailnet)
      return;
    }
    long now = paths.now();
    p.noteActive(now);
    Endpoint direct = p.route();
    if (direct != null) {
      udp.send(bufs, sizes, offset, count, direct);
      return;
    }
    RelayLink relay = paths.relay();
    int region = p.config().homeRegion();
    boolean relayed = true;
    for (int i = 0; i < count; i++) {
      relayed &= relay.send(region, p.nodeKey, bufs[i], offset, sizes[i]);
    }
    if (!relayed) {
      // no relay up: try the reported endpoints directly (a LAN or an open host still works)
      List<Endpoint> eps = p.reported();
      for (int i = 0; i < eps.size() && i < 4; i++) {
        udp.send(bufs, sizes, offset, count, eps.get(i));
      }
    }
    paths.discoverIfDue(p, now);
  }

  /** Sends one datagram (disco, STUN) on the UDP socket; failures are UDP's usual drops. */
  void sendRaw(byte[] data, Endpoint to) {
    try {
      udp.send(new byte[][] {data}, new int[] {data.length}, 0, 1, to);
    } catch (IOException e) {
      // closed or refused: dropped as UDP drops
    }
  }

  /** Relayed packets dropped because the device did not keep up. */
  long relayQueueDrops() {
    return relayQueueDrops.get();
  }

  @Override
  public int batchSize() {
    return udp.batchSize();
  }

  @Override
  public int port() {
    return udp.port();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      udp.close();
    } catch (IOException e) {
      // closing anyway
    }
    reader.interrupt();
    ready.offer(CLOSED);
  }

  @Override
  public String toString() {
    return "PathBind[" + udp + "]";
  }
}
