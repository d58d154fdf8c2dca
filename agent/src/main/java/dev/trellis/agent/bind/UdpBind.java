package dev.trellis.agent.bind;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's UDP socket on a {@link DatagramChannel}: one dual-stack (IPv6 with IPv4-mapped)
 * socket, blocking receive in the caller's thread, large socket buffers. Receive keeps one {@link
 * ByteBuffer} per buffer slot and one {@link Endpoint} per peer address, so in steady state it
 * allocates nothing per datagram.
 *
 * <p>Thread-safety: one receiving thread and any number of sending threads; {@link #close()} from
 * any thread wakes the receiver with an {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class UdpBind implements Bind {
  /** The socket buffer size asked for; the kernel caps it at net.core.[rw]mem_max. */
  public static final int SOCKET_BUFFER = 7 << 20;

  private static final int MAX_CACHED_ENDPOINTS = 4096;

  private final DatagramChannel channel;
  private final int port;
  private final AtomicLong sendDrops = new AtomicLong();

  // receiver-thread state
  private final ByteBuffer[] wrapped = new ByteBuffer[1];
  private final byte[][] wrappedArrays = new byte[1][];
  private final Map<SocketAddress, Endpoint> endpoints = new HashMap<>();
  private SocketAddress lastFrom;
  private Endpoint lastEndpoint;

  private UdpBind(DatagramChannel channel) throws IOException {
    this.channel = channel;
    this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
  }

  /** Opens a dual-stack UDP socket on {@code port} (0 for any free port). */
  public static UdpBind open(int port) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
      ch.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot listen on UDP port " + port + ": " + e.getMessage(), e);
    }
    return new UdpBind(ch);
  }

  @Override
  public int receive(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) throws IOException {
    ByteBuffer bb = wrapped[0];
    if (wrappedArrays[0] != bufs[0] || bb.arrayOffset() != 0) {
      wrappedArrays[0] = bufs[0];
      bb = ByteBuffer.wrap(bufs[0]);
      wrapped[0] = bb;
    }
    bb.limit(bufs[0].length).position(offset);
    SocketAddress sender = channel.receive(bb);
    sizes[0] = bb.position() - offset;
    from[0] = endpointOf(sender);
    return 1;
  }

  private Endpoint endpointOf(SocketAddress sender) {
    if (sender == lastFrom) {
      return lastEndpoint;
    }
    Endpoint e = endpoints.get(sender);
    if (e == null) {
      if (endpoints.size() >= MAX_CACHED_ENDPOINTS) {
        endpoints.clear();
      }
      e = Endpoint.of((InetSocketAddress) sender);
      endpoints.put(sender, e);
    }
    lastFrom = sender;
    lastEndpoint = e;
    return e;
  }

  @Override
  public void send(byte[][] bufs, int[] sizes, int offset, int count, Endpoint to)
      throws IOException {
    InetSocketAddress target = to.toSocketAddress();
    for (int i = 0; i < count; i++) {
      try {
        channel.send(ByteBuffer.wrap(bufs[i], offset, sizes[i]), target);
      } catch (java.nio.channels.ClosedChannelException e) {
        throw e;
      } catch (IOException e) {
        sendDrops.incrementAndGet(); // no route, unreachable: UDP would drop it anyway
      }
    }
  }

  /** Datagrams the network refused on send, dropped. */
  public long sendDrops() {
    return sendDrops.get();
  }

  @Override
  public int batchSize() {
    return 1;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "UdpBind[:" + port + "]";
  }
}
