package dev.trellis.agent.tun;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory TUN for tests: {@link #inject} plays the operating system sending a packet into the
 * tunnel, {@link #poll} returns what the device wrote out of it.
 *
 * <p>Thread-safety: safe from any thread (blocking queues).
 */
public final class MemoryTun implements Tun {
  private static final byte[] CLOSED = new byte[0];
  private final LinkedBlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
  private final String name;
  private final int mtu;
  private final int batchSize;
  private volatile boolean closed;

  /** A TUN named {@code name} with the given MTU and batch size. */
  public MemoryTun(String name, int mtu, int batchSize) {
    this.name = name;
    this.mtu = mtu;
    this.batchSize = batchSize;
  }

  /** A TUN with MTU 1420 and batches of 32. */
  public MemoryTun(String name) {
    this(name, 1420, 32);
  }

  /** Queues a packet (copied) for the device to read, as if the OS routed it into the tunnel. */
  public void inject(byte[] packet) {
    toDevice.add(packet.clone());
  }

  /** The next packet the device wrote, or {@code null} after {@code timeoutMillis}. */
  public byte[] poll(long timeoutMillis) throws InterruptedException {
    return fromDevice.poll(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Packets written by the device and not yet polled. */
  public int pending() {
    return fromDevice.size();
  }

  @Override
  public int read(byte[][] bufs, int[] sizes, int offset) throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    int n = 0;
    try {
      byte[] p = toDevice.take();
      while (p != null && n < bufs.length) {
        if (p == CLOSED) {
          toDevice.add(CLOSED);
          if (n > 0) {
            return n;
          }
          throw new ClosedChannelException();
        }
        int len = Math.min(p.length, bufs[n].length - offset);
        System.arraycopy(p, 0, bufs[n], offset, len);
        sizes[n++] = p.length;
        p = n < bufs.length ? toDevice.poll() : null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
    return n;
  }

  @Override
  public void write(byte[][] bufs, int[] sizes, int offset, int count) throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    for (int i = 0; i < count; i++) {
      fromDevice.add(java.util.Arrays.copyOfRange(bufs[i], offset, offset + sizes[i]));
    }
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    closed = true;
    toDevice.add(CLOSED);
  }
}
