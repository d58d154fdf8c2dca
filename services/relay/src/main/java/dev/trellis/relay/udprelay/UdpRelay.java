package dev.trellis.relay.udprelay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.UdpRelayBind;
import dev.trellis.relay.config.UdpRelayPorts;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.RelayMetrics;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP relay of one instance: makes sessions when two devices connected here asked for one with
 * each other ({@link UdpSessionTable}), gives each session a UDP port of {@link UdpRelayPorts}, and
 * forwards datagrams on the {@code relay-udp} thread: a bind ({@link UdpRelayBind}) with the right
 * session id, MAC and a higher counter sets its side's address; any other datagram from one side's
 * bound address goes to the other's, unread. Everything else is dropped and counted ({@code
 * trellis_relay_drops_total}): {@code udp_unbound_source} (a source that is not a bound side:
 * spoofed, or a side that has not bound yet), {@code udp_peer_unbound}, {@code udp_bad_bind},
 * {@code udp_unknown_session}, {@code udp_bad_bind_mac}, {@code udp_replayed_bind}, {@code
 * udp_send_full}; refused requests as {@code udp_self}, {@code udp_allocation_limit}, {@code
 * udp_request_limit}, {@code udp_no_port}. Forwarded datagrams count as path {@code udp}; sessions
 * are the gauge {@code trellis_relay_udp_sessions}.
 *
 * <p>Sessions end when idle, when either side's TLS connection closes (so a node whose relay
 * authorization is revoked, which closes its connection, loses its sessions at once) and at stop.
 *
 * <p>Thread-safety: {@link #request} and {@link #gone} may be called from any thread (under this
 * object's lock); the forwarding loop is its own thread.
 */
public final class UdpRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UdpRelay.class);

  /** Default most sessions (and open requests) per node key. */
  public static final int PER_NODE = 16;

  /** Default time a request waits for the peer's. */
  public static final Duration OFFER_TTL = Duration.ofSeconds(30);

  /** Default time a session lives without a datagram. */
  public static final Duration IDLE = Duration.ofSeconds(90);

  private static final int BATCH = 64;

  private final String host;
  private final UdpRelayPorts ports;
  private final RelayMetrics metrics;
  private final Function<NodePublicKey, ConnectedDevice> local;
  private final LongSupplier nanos;
  private final UdpSessionTable table;
  private final Selector selector;
  private final ConcurrentLinkedQueue<UdpSession> toRegister = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<UdpSession> toClose = new ConcurrentLinkedQueue<>();
  private final SecureRandom random = new SecureRandom();
  private final Thread loop;
  private volatile boolean closed;
  private int cursor; // guarded by this: the next port of the range to try

  /**
   * @param host the address session ports bind (a wildcard serves every family)
   * @param ports the session ports
   * @param perNode most sessions and open requests per node key
   * @param offerTtl how long a request waits for the peer's
   * @param idle how long a session lives without a datagram
   * @param metrics counters
   * @param local the device connected to this instance with a key, or null
   * @param nanos monotonic time
   */
  public UdpRelay(
      String host,
      UdpRelayPorts ports,
      int perNode,
      Duration offerTtl,
      Duration idle,
      RelayMetrics metrics,
      Function<NodePublicKey, ConnectedDevice> local,
      LongSupplier nanos)
      throws IOException {
    this.host = host;
    this.ports = ports;
    this.metrics = metrics;
    this.local = local;
    this.nanos = nanos;
    this.table = new UdpSessionTable(perNode, offerTtl.toNanos(), idle.toNanos());
    this.selector = Selector.open();
    metrics.gauge(
        "trellis_relay_udp_sessions", "UDP relay sessions on this instance", this::sessions);
    this.loop = Thread.ofPlatform().name("relay-udp").daemon().unstarted(this::run);
  }

  /** Starts the forwarding thread. */
  public UdpRelay start() {
    loop.start();
    return this;
  }

  /** {@code from} asks for a session with {@code peer} (a UDP_RELAY_REQUEST). */
  public void request(ConnectedDevice from, NodePublicKey peer) {
    List<UdpSession> stale = new ArrayList<>();
    UdpSession made = null;
    UdpSessionTable.Outcome o;
    synchronized (this) {
      if (closed) {
        return;
      }
      o = table.request(from, peer, local.apply(peer), nanos.getAsLong(), stale);
      if (o instanceof UdpSessionTable.Match m) {
        made = open(m.a(), m.b());
        if (made != null) {
          table.add(made);
        }
      }
    }
    stale.forEach(this::closeLater);
    switch (o) {
      case UdpSessionTable.Existing e -> tell(e.session(), e.side());
      case UdpSessionTable.Match m -> {
        if (made == null) {
          metrics.refused("udp_no_port");
        } else {
          toRegister.add(made);
          selector.wakeup();
          tell(made, 0);
          tell(made, 1);
        }
      }
      case UdpSessionTable.Refused r -> metrics.refused(r.reason());
      case UdpSessionTable.Offered f -> {}
    }
  }

  /** {@code device}'s connection closed: its requests and sessions end. */
  public void gone(ConnectedDevice device) {
    List<UdpSession> ended;
    synchronized (this) {
      ended = table.gone(device);
    }
    ended.forEach(this::closeLater);
  }

  /** Sessions now. */
  public synchronized int sessions() {
    return table.sessions();
  }

  /** The ports of the sessions now (tests). */
  public synchronized List<Integer> sessionPorts() {
    return table.all().stream().map(s -> s.port).toList();
  }

  private void tell(UdpSession s, int side) {
    ConnectedDevice d = s.sides[side].device;
    d.send(Buffer.buffer(FrameCodec.encode(s.frameFor(side))));
    metrics.control("udp_relay_session");
  }

  /** A session between {@code a} (side 0) and {@code b} with a fresh port, or null if none. */
  private UdpSession open(ConnectedDevice a, ConnectedDevice b) {
    DatagramChannel ch = bind();
    if (ch == null) {
      return null;
    }
    try {
      int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
      return new UdpSession(
          random.nextLong(),
          ch,
          port,
          new UdpSession.Side(a, secret()),
          new UdpSession.Side(b, secret()),
          nanos.getAsLong());
    } catch (IOException e) {
      closeQuietly(ch);
      return null;
    }
  }

  private byte[] secret() {
    byte[] s = new byte[UdpRelayBind.SECRET_BYTES];
    random.nextBytes(s);
    return s;
  }

  private DatagramChannel bind() {
    int tries = ports.first() == 0 ? 1 : ports.size();
    for (int i = 0; i < tries; i++) {
      int port = ports.first() == 0 ? 0 : ports.first() + Math.floorMod(cursor++, ports.size());
      DatagramChannel ch = null;
      try {
        ch = DatagramChannel.open();
        InetAddress addr = InetAddress.getByName(host);
        ch.bind(
            addr.isAnyLocalAddress()
                ? new InetSocketAddress(port)
                : new InetSocketAddress(addr, port));
        ch.configureBlocking(false);
        ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
        return ch;
      } catch (IOException e) {
        closeQuietly(ch);
      }
    }
    return null;
  }

  private void closeLater(UdpSession s) {
    toClose.add(s);
    selector.wakeup();
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(65536);
    long lastSweep = nanos.getAsLong();
    while (!closed) {
      try {
        selector.select(1000);
        for (UdpSession s; (s = toRegister.poll()) != null; ) {
          if (s.channel.isOpen()) {
            s.channel.register(selector, SelectionKey.OP_READ, s);
          }
        }
        for (UdpSession s; (s = toClose.poll()) != null; ) {
          closeQuietly(s.channel);
        }
        long packets = 0;
        long bytes = 0;
        for (SelectionKey k : selector.selectedKeys()) {
          UdpSession s = (UdpSession) k.attachment();
          for (int i = 0; i < BATCH; i++) {
            buf.clear();
            SocketAddress from;
            try {
              from = s.channel.receive(buf);
            } catch (ClosedChannelException e) {
              break;
            }
            if (from == null) {
              break;
            }
            buf.flip();
            int n = buf.remaining();
            if (forward(s, (InetSocketAddress) from, buf)) {
              packets++;
              bytes += n;
            }
          }
        }
        selector.selectedKeys().clear();
        if (packets > 0) {
          metrics.forwarded("udp", packets, bytes);
        }
        long now = nanos.getAsLong();
        if (now - lastSweep > 1_000_000_000L) {
          lastSweep = now;
          List<UdpSession> idle;
          synchronized (this) {
            idle = table.expire(now);
          }
          idle.forEach(s -> closeQuietly(s.channel));
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.debug("udp relay: {}", e.toString());
        }
      }
    }
  }

  /** Handles one datagram; true when it was forwarded. */
  private boolean forward(UdpSession s, InetSocketAddress from, ByteBuffer buf) throws IOException {
    if (UdpRelayBind.looksLikeBind(buf)) {
      bind(s, from, buf);
      return false;
    }
    UdpSession.Side a = s.sides[0];
    UdpSession.Side b = s.sides[1];
    UdpSession.Side to;
    if (from.equals(a.bound)) {
      to = b;
    } else if (from.equals(b.bound)) {
      to = a;
    } else {
      metrics.dropped("udp_unbound_source");
      return false;
    }
    InetSocketAddress dst = to.bound;
    if (dst == null) {
      metrics.dropped("udp_peer_unbound");
      return false;
    }
    s.lastActive = nanos.getAsLong();
    if (s.channel.send(buf, dst) == 0) {
      metrics.dropped("udp_send_full");
      return false;
    }
    return true;
  }

  private void bind(UdpSession s, InetSocketAddress from, ByteBuffer buf) {
    byte[] raw = new byte[UdpRelayBind.LENGTH];
    buf.get(raw);
    UdpRelayBind.Fields f = UdpRelayBind.decode(raw, 0, raw.length);
    if (f == null) {
      metrics.dropped("udp_bad_bind");
      return;
    }
    if (f.sessionId() != s.id) {
      metrics.dropped("udp_unknown_session");
      return;
    }
    UdpSession.Side side = s.sides[f.side()];
    if (!UdpRelayBind.verify(raw, 0, raw.length, side.secret)) {
      metrics.dropped("udp_bad_bind_mac");
      return;
    }
    if (side.everBound && Long.compareUnsigned(f.counter(), side.lastCounter) <= 0) {
      metrics.dropped("udp_replayed_bind");
      return;
    }
    side.lastCounter = f.counter();
    side.everBound = true;
    if (!from.equals(side.bound)) {
      side.bound = from;
      metrics.control("udp_bind");
    }
    s.lastActive = nanos.getAsLong();
  }

  private static void closeQuietly(DatagramChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    List<UdpSession> all;
    synchronized (this) {
      closed = true;
      all = table.all();
    }
    selector.wakeup();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.forEach(s -> closeQuietly(s.channel));
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
