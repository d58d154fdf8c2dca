package dev.trellis.agent.bind;

import java.io.IOException;

/**
 * The agent's UDP socket (or an in-memory twin): carries WireGuard messages, and later discovery
 * messages, to and from {@link Endpoint}s.
 *
 * <p>Like {@link dev.trellis.agent.tun.Tun}, datagrams move in batches and every call names an
 * {@code offset} into each buffer, so a receiver can keep head-room and a sender can send a message
 * that was built in place.
 *
 * <p>Thread-safety: one receiving thread and any number of sending threads may use a bind at once.
 * {@link #close()} wakes a blocked receiver, which then throws {@link
 * java.nio.channels.ClosedChannelException}.
 */
public interface Bind extends AutoCloseable {

  /**
   * Receives at least one and at most {@code bufs.length} datagrams, blocking until one arrives.
   * Datagram {@code i} is stored at {@code bufs[i][offset .. offset + sizes[i])} and came from
   * {@code from[i]}. Implementations may reuse {@link Endpoint} instances across calls: an endpoint
   * is immutable, so a caller may keep it.
   *
   * @return the number of datagrams received (at least 1)
   */
  int receive(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) throws IOException;

  /**
   * Sends {@code count} datagrams, {@code bufs[i][offset .. offset + sizes[i])}, all to {@code to}.
   * A datagram the network refuses (no route, buffer full) is dropped, as UDP drops it.
   */
  void send(byte[][] bufs, int[] sizes, int offset, int count, Endpoint to) throws IOException;

  /** The most datagrams one {@link #receive} may return; callers size their arrays with it. */
  int batchSize();

  /** The local UDP port this bind listens on. */
  int port();

  /** Closes the socket. Idempotent. */
  @Override
  void close() throws IOException;
}
