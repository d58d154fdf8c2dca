package dev.trellis.agent.tun;

import java.io.IOException;

/**
 * A TUN device: the operating system's end of the tunnel. Packets are raw IPv4 or IPv6 datagrams
 * without any packet-information header.
 *
 * <p>Packets move in batches to keep kernel crossings and per-packet overhead low. Every call names
 * an {@code offset}: the packet bytes start at {@code bufs[i][offset]}, which leaves head-room in
 * front of the packet for the WireGuard transport header so that encryption can happen in place
 * without a copy.
 *
 * <p>Thread-safety: one thread may read while another writes; concurrent reads (or concurrent
 * writes) need external ordering. {@link #close()} may be called from any thread and wakes a
 * blocked reader, which then throws {@link java.nio.channels.ClosedChannelException}.
 */
public interface Tun extends AutoCloseable {

  /**
   * Reads at least one and at most {@code bufs.length} packets, blocking until one is available.
   * Packet {@code i} is stored at {@code bufs[i][offset .. offset + sizes[i])}.
   *
   * @return the number of packets read (at least 1)
   */
  int read(byte[][] bufs, int[] sizes, int offset) throws IOException;

  /**
   * Writes {@code count} packets; packet {@code i} is {@code bufs[i][offset .. offset + sizes[i])}.
   * A packet the kernel refuses is dropped and counted by the implementation; the others are still
   * written.
   */
  void write(byte[][] bufs, int[] sizes, int offset, int count) throws IOException;

  /** The most packets one {@link #read} may return; callers size their arrays with it. */
  int batchSize();

  /** The device MTU in bytes. */
  int mtu();

  /** The interface name, such as {@code trellis0}. */
  String name();

  /** Closes the device; a kernel TUN device disappears with it. Idempotent. */
  @Override
  void close() throws IOException;
}
