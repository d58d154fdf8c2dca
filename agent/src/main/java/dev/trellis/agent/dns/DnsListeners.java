package dev.trellis.agent.dns;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The resolver's sockets: for each address, a UDP socket read by one platform thread ({@code
 * dns-udp}) and a TCP listener ({@code dns-tcp-accept}) whose connections are served on virtual
 * threads. Local answers are computed on the reading thread (a table lookup); forwarded queries go
 * to the {@link Forwarder}, so a slow upstream never holds up other queries. TCP connections carry
 * any number of queries (RFC 7766), close after {@link #TCP_IDLE} without one, and are limited to
 * {@link #MAX_TCP_CONNECTIONS} at once.
 *
 * <p>Thread-safety: started once; {@link #close} may be called from any thread.
 */
public final class DnsListeners implements AutoCloseable {
  /** An idle TCP connection is closed after this long. */
  public static final int TCP_IDLE_MILLIS = 10_000;

  /** TCP connections served at once; more are closed at once and counted. */
  public static final int MAX_TCP_CONNECTIONS = 64;

  /** Same as {@link #TCP_IDLE_MILLIS}, for docs. */
  public static final java.time.Duration TCP_IDLE = java.time.Duration.ofMillis(TCP_IDLE_MILLIS);

  private final Supplier<ResolverState> state;
  private final Responder responder;
  private final Forwarder forwarder;
  private final DnsCounters counters;
  private final LocalSources sources;
  private final List<DatagramChannel> udp = new ArrayList<>();
  private final List<ServerSocket> tcp = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();
  private final ExecutorService connections =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-tcp-", 0).factory());
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;

  private DnsListeners(
      Supplier<ResolverState> state,
      Responder responder,
      Forwarder forwarder,
      DnsCounters counters,
      LocalSources sources) {
    this.state = state;
    this.responder = responder;
    this.forwarder = forwarder;
    this.counters = counters;
    this.sources = sources;
  }

  /**
   * Binds UDP and TCP on every address of {@code binds} and starts serving; answers from {@code
   * state}. With {@code localOnly}, queries from addresses that are not this host's are dropped.
   */
  public static DnsListeners start(
      List<InetSocketAddress> binds,
      Supplier<ResolverState> state,
      Forwarder forwarder,
      DnsCounters counters,
      boolean localOnly)
      throws IOException {
    DnsListeners l =
        new DnsListeners(
            state,
            new Responder(counters),
            forwarder,
            counters,
            localOnly ? new LocalSources() : null);
    try {
      for (InetSocketAddress a : binds) {
        DatagramChannel ch =
            DatagramChannel.open(
                a.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6
                    : StandardProtocolFamily.INET);
        l.udp.add(ch);
        ch.bind(a);
        ServerSocket ss = new ServerSocket();
        l.tcp.add(ss);
        ss.setReuseAddress(true);
        ss.bind(a, 64);
      }
    } catch (IOException | RuntimeException e) {
      l.close();
      throw new IOException("cannot listen for DNS on " + binds + ": " + e.getMessage(), e);
    }
    for (DatagramChannel ch : l.udp) {
      l.readers.add(Thread.ofPlatform().name("dns-udp").daemon().start(() -> l.serveUdp(ch)));
    }
    for (ServerSocket ss : l.tcp) {
      l.readers.add(Thread.ofPlatform().name("dns-tcp-accept").daemon().start(() -> l.accept(ss)));
    }
    return l;
  }

  /** The bound UDP addresses (with the actual ports). */
  public List<InetSocketAddress> addresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (DatagramChannel ch : udp) {
      try {
        out.add((InetSocketAddress) ch.getLocalAddress());
      } catch (IOException e) {
        // closed
      }
    }
    return out;
  }

  private void serveUdp(DatagramChannel ch) {
    ByteBuffer buf = ByteBuffer.allocate(65535);
    while (!closed) {
      InetSocketAddress from;
      try {
        buf.clear();
        from = (InetSocketAddress) ch.receive(buf);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue; // e.g. an ICMP error queued on the socket
      }
      if (from == null) {
        continue;
      }
      if (sources != null && !sources.isLocal(from.getAddress())) {
        counters.query();
        counters.drop(DnsCounters.Drop.FOREIGN_SOURCE);
        continue;
      }
      byte[] packet = java.util.Arrays.copyOf(buf.array(), buf.position());
      switch (responder.handle(packet, packet.length, false, state.get())) {
        case Responder.Reply r -> send(ch, r.wire(), from);
        case Responder.Forward f -> forwarder.forward(f, false, wire -> send(ch, wire, from));
        case Responder.Drop d -> {
          // counted by the responder
        }
      }
    }
  }

  private static void send(DatagramChannel ch, byte[] wire, InetSocketAddress to) {
    if (wire.length == 0) {
      return;
    }
    try {
      ch.send(ByteBuffer.wrap(wire), to);
    } catch (IOException e) {
      // the client went away
    }
  }

  private void accept(ServerSocket ss) {
    while (!closed) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        if (closed || ss.isClosed()) {
          return;
        }
        continue;
      }
      InetAddress from = s.getInetAddress();
      if (sources != null && !sources.isLocal(from)) {
        counters.query();
        counters.drop(DnsCounters.Drop.FOREIGN_SOURCE);
        closeQuietly(s);
        continue;
      }
      if (open.incrementAndGet() > MAX_TCP_CONNECTIONS) {
        open.decrementAndGet();
        counters.drop(DnsCounters.Drop.OVERLOADED);
        closeQuietly(s);
        continue;
      }
      try {
        connections.execute(
            () -> {
              try {
                serveTcp(s);
              } finally {
                open.decrementAndGet();
                closeQuietly(s);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        open.decrementAndGet();
        closeQuietly(s);
      }
    }
  }

  private void serveTcp(Socket s) {
    try {
      s.setSoTimeout(TCP_IDLE_MILLIS);
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (!closed) {
        int len;
        try {
          len = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        if (len > Responder.MAX_QUERY) {
          counters.query();
          counters.drop(DnsCounters.Drop.OVERSIZED);
          return; // the rest of the stream cannot be trusted
        }
        byte[] packet = new byte[len];
        in.readFully(packet);
        byte[] answer =
            switch (responder.handle(packet, len, true, state.get())) {
              case Responder.Reply r -> r.wire();
              case Responder.Forward f -> forwarder.exchange(f, true);
              case Responder.Drop d -> null;
            };
        if (answer == null) {
          return;
        }
        byte[] framed = new byte[answer.length + 2];
        framed[0] = (byte) (answer.length >> 8);
        framed[1] = (byte) answer.length;
        System.arraycopy(answer, 0, framed, 2, answer.length);
        out.write(framed);
        out.flush();
      }
    } catch (IOException e) {
      // the client closed or reset the connection, or sent less than it announced
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Closes every socket and waits briefly for the reading threads. */
  @Override
  public void close() {
    closed = true;
    udp.forEach(DnsListeners::closeQuietly);
    tcp.forEach(DnsListeners::closeQuietly);
    connections.shutdownNow();
    for (Thread t : readers) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
