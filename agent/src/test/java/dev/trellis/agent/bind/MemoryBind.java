package dev.trellis.agent.bind;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link Bind} on a {@link MemoryNetwork}: sending hands copies of the datagrams to the network,
 * receiving takes them from this bind's queue. A datagram larger than the receive buffer is
 * dropped, as a truncated UDP read would be useless.
 *
 * <p>Thread-safety: one receiver and any number of senders at once.
 */
public final class MemoryBind implements Bind {
  private record Arrival(Endpoint from, byte[] data) {}

  private static final Arrival CLOSED = new Arrival(null, null);
  private final MemoryNetwork network;
  private final Endpoint endpoint;
  private final LinkedBlockingQueue<Arrival> queue = new LinkedBlockingQueue<>(4096);
  private volatile boolean closed;

  MemoryBind(MemoryNetwork network, Endpoint endpoint) {
    this.network = network;
    this.endpoint = endpoint;
  }

  /** Where this bind listens. */
  public Endpoint endpoint() {
    return endpoint;
  }

  void enqueue(Endpoint from, byte[] data) {
    if (!closed) {
      queue.offer(new Arrival(from, data));
    }
  }

  @Override
  public int receive(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) throws IOException {
    int n = 0;
    try {
      Arrival a = queue.take();
      while (a != null && n < bufs.length) {
        if (a == CLOSED) {
          queue.offer(CLOSED);
          if (n > 0) {
            return n;
          }
          throw new ClosedChannelException();
        }
        if (a.data().length <= bufs[n].length - offset) {
          System.arraycopy(a.data(), 0, bufs[n], offset, a.data().length);
          sizes[n] = a.data().length;
          from[n] = a.from();
          n++;
        }
        a = n < bufs.length ? queue.poll() : null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
    if (n == 0) {
      return receive(bufs, sizes, offset, from);
    }
    return n;
  }

  @Override
  public void send(byte[][] bufs, int[] sizes, int offset, int count, Endpoint to)
      throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    for (int i = 0; i < count; i++) {
      network.deliver(endpoint, to, Arrays.copyOfRange(bufs[i], offset, offset + sizes[i]));
    }
  }

  @Override
  public int batchSize() {
    return 128;
  }

  @Override
  public int port() {
    return endpoint.port();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      network.closed(this);
      queue.clear();
      queue.offer(CLOSED);
    }
  }
}
