package dev.trellis.relay.udprelay;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.UdpRelayBind;
import dev.trellis.proto.sys.SocketCalls;
import dev.trellis.relay.config.UdpRelayPorts;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.RelayMetrics;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
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
 * forwards datagrams on the {@code relay-udp} thread (epoll over the sessions' sockets through
 * {@link NativeUdp}: a burst of full-sized datagrams arrives coalesced by UDP GRO and leaves in one
 * sendmsg with UDP GSO, so a relayed flow costs two system calls per burst): a bind ({@link
 * UdpRelayBind}) with the right session id, MAC and a higher counter sets its side's address; any
 * other datagram from one side's bound address goes to the other's, unread. Everything else is
 * dropped and counted ({@code trellis_relay_drops_total}): {@code udp_unbound_source} (a source
 * that is not a bound side: spoofed, or a side that has not bound yet), {@code udp_peer_unbound},
 * {@code udp_bad_bind}, {@code udp_unknown_session}, {@code udp_bad_bind_mac}, {@code
 * udp_replayed_bind}, {@code udp_send_full}; refused requests as {@code udp_self}, {@code
 * udp_allocation_limit}, {@code udp_request_limit}, {@code udp_no_port}. Forwarded datagrams count
 * as path {@code udp}; sessions are the gauge {@code trellis_relay_udp_sessions}.
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

  private final String host;
  private final UdpRelayPorts ports;
  private final RelayMetrics metrics;
  private final Function<NodePublicKey, ConnectedDevice> local;
  private final LongSupplier nanos;
  private final UdpSessionTable table;
  private final InetAddress bindAddress;
  private final int epollFd;
  private final int wakeFd;
  private volatile boolean gsoWorks = true;
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
    this.bindAddress = InetAddress.getByName(host);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = SocketCalls.newCallState(arena);
      epollFd = (int) SocketCalls.EPOLL_CREATE1.invokeExact(state, SocketCalls.SOCK_CLOEXEC);
      if (epollFd < 0) {
        throw new IOException("epoll_create1 failed: errno " + SocketCalls.errno(state));
      }
      wakeFd =
          (int)
              SocketCalls.EVENTFD.invokeExact(
                  state, 0, SocketCalls.SOCK_NONBLOCK | SocketCalls.SOCK_CLOEXEC);
      MemorySegment e = arena.allocate(EVENT_BYTES, 8);
      e.set(JAVA_INT, 0, SocketCalls.EPOLLIN);
      e.set(JAVA_LONG_UNALIGNED, EVENT_DATA, wakeFd);
      int ignored =
          (int)
              SocketCalls.EPOLL_CTL.invokeExact(
                  state, epollFd, SocketCalls.EPOLL_CTL_ADD, wakeFd, e);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("udp relay: " + t, t);
    }
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
          wakeup();
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = SocketCalls.newCallState(arena);
      int fd = bind(st);
      if (fd < 0) {
        return null;
      }
      try {
        return new UdpSession(
            random.nextLong(),
            fd,
            NativeUdp.port(st, fd),
            new UdpSession.Side(a, secret()),
            new UdpSession.Side(b, secret()),
            nanos.getAsLong());
      } catch (IOException e) {
        SocketCalls.close(st, fd);
        return null;
      }
    }
  }

  private byte[] secret() {
    byte[] s = new byte[UdpRelayBind.SECRET_BYTES];
    random.nextBytes(s);
    return s;
  }

  /** A socket on a free port of the range, or -1. */
  private int bind(MemorySegment st) {
    int tries = ports.first() == 0 ? 1 : ports.size();
    for (int i = 0; i < tries; i++) {
      int port = ports.first() == 0 ? 0 : ports.first() + Math.floorMod(cursor++, ports.size());
      try {
        return NativeUdp.open(st, bindAddress, port);
      } catch (IOException e) {
        // taken: the next one
      }
    }
    return -1;
  }

  private void closeLater(UdpSession s) {
    toClose.add(s);
    wakeup();
  }

  private void wakeup() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment one = arena.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      long ignored =
          (long) SocketCalls.WRITE.invokeExact(SocketCalls.newCallState(arena), wakeFd, one, 8L);
    } catch (Throwable t) {
      // the loop wakes within a second anyway
    }
  }

  // ---- the forwarding loop (relay-udp thread) ----

  private static final int SLOTS = 16;
  private static final int SLOT_BYTES = 65536;
  private static final int CONTROL_BYTES = 64;
  private static final int EVENTS = 64;
  private static final boolean PACKED_EPOLL =
      System.getProperty("os.arch", "").matches("amd64|x86_64");
  private static final int EVENT_BYTES = PACKED_EPOLL ? 12 : 16;
  private static final int EVENT_DATA = PACKED_EPOLL ? 4 : 8;

  private MemorySegment st;
  private MemorySegment headers;
  private MemorySegment names;
  private MemorySegment control;
  private MemorySegment data;
  private MemorySegment txHeader;
  private MemorySegment txIov;
  private MemorySegment txControl;
  private UdpSession[] byFd = new UdpSession[1024];
  private long packets;
  private long bytes;

  private void run() {
    try (Arena arena = Arena.ofConfined()) {
      st = SocketCalls.newCallState(arena);
      headers = arena.allocate((long) SocketCalls.MMSGHDR * SLOTS, 8);
      names = arena.allocate(32L * SLOTS, 8);
      control = arena.allocate((long) CONTROL_BYTES * SLOTS, 8);
      data = arena.allocate((long) SLOT_BYTES * SLOTS, 64);
      MemorySegment iovs = arena.allocate(16L * SLOTS, 8);
      for (int i = 0; i < SLOTS; i++) {
        long h = (long) SocketCalls.MMSGHDR * i;
        iovs.set(JAVA_LONG, 16L * i, data.address() + (long) SLOT_BYTES * i);
        iovs.set(JAVA_LONG, 16L * i + 8, SLOT_BYTES);
        headers.set(JAVA_LONG, h + SocketCalls.MSG_NAME, names.address() + 32L * i);
        headers.set(JAVA_LONG, h + SocketCalls.MSG_IOV, iovs.address() + 16L * i);
        headers.set(JAVA_LONG, h + SocketCalls.MSG_IOVLEN, 1);
        headers.set(JAVA_LONG, h + SocketCalls.MSG_CONTROL, control.address() + CONTROL_BYTES * i);
      }
      txHeader = arena.allocate(56, 8);
      txIov = arena.allocate(16, 8);
      txControl = arena.allocate(24, 8);
      MemorySegment events = arena.allocate((long) EVENT_BYTES * EVENTS, 8);
      MemorySegment scratch = arena.allocate(8, 8);
      long lastSweep = nanos.getAsLong();
      while (!closed) {
        int n = (int) SocketCalls.EPOLL_WAIT.invokeExact(st, epollFd, events, EVENTS, 1000);
        for (UdpSession s; (s = toRegister.poll()) != null; ) {
          register(s, scratch);
        }
        for (UdpSession s; (s = toClose.poll()) != null; ) {
          unregister(s, scratch);
        }
        for (int i = 0; i < n; i++) {
          int fd = (int) events.get(JAVA_LONG_UNALIGNED, (long) EVENT_BYTES * i + EVENT_DATA);
          if (fd == wakeFd) {
            long ignored = (long) SocketCalls.READ.invokeExact(st, wakeFd, scratch, 8L);
            continue;
          }
          UdpSession s = fd < byFd.length ? byFd[fd] : null;
          if (s != null) {
            drain(s);
          }
        }
        if (packets > 0) {
          metrics.forwarded("udp", packets, bytes);
          packets = 0;
          bytes = 0;
        }
        long now = nanos.getAsLong();
        if (now - lastSweep > 1_000_000_000L) {
          lastSweep = now;
          List<UdpSession> idle;
          synchronized (this) {
            idle = table.expire(now);
          }
          for (UdpSession s : idle) {
            unregister(s, scratch);
          }
        }
      }
      for (UdpSession s : byFd) {
        if (s != null) {
          SocketCalls.close(st, s.fd);
        }
      }
    } catch (Throwable t) {
      if (!closed) {
        LOG.error("udp relay: the forwarding loop stopped", t);
      }
    }
  }

  private void register(UdpSession s, MemorySegment ev) throws Throwable {
    if (s.fd >= byFd.length) {
      byFd = java.util.Arrays.copyOf(byFd, Math.max(s.fd + 1, byFd.length * 2));
    }
    byFd[s.fd] = s;
    ev.set(JAVA_INT, 0, SocketCalls.EPOLLIN);
    MemorySegment e = Arena.ofAuto().allocate(EVENT_BYTES, 8);
    e.set(JAVA_INT, 0, SocketCalls.EPOLLIN);
    e.set(JAVA_LONG_UNALIGNED, EVENT_DATA, s.fd);
    int ignored =
        (int) SocketCalls.EPOLL_CTL.invokeExact(st, epollFd, SocketCalls.EPOLL_CTL_ADD, s.fd, e);
  }

  private void unregister(UdpSession s, MemorySegment ev) throws Throwable {
    if (s.fd < byFd.length && byFd[s.fd] == s) {
      byFd[s.fd] = null;
      int ignored =
          (int) SocketCalls.EPOLL_CTL.invokeExact(st, epollFd, SocketCalls.EPOLL_CTL_DEL, s.fd, ev);
      SocketCalls.close(st, s.fd);
    } else if (s.fd >= 0 && !registered(s)) {
      SocketCalls.close(st, s.fd); // never registered (closed before its first round)
    }
  }

  private boolean registered(UdpSession s) {
    return s.fd < byFd.length && byFd[s.fd] == s;
  }

  /** Reads everything waiting on {@code s}'s socket and forwards it. */
  private void drain(UdpSession s) throws Throwable {
    while (true) {
      for (int i = 0; i < SLOTS; i++) {
        long h = (long) SocketCalls.MMSGHDR * i;
        headers.set(JAVA_INT, h + SocketCalls.MSG_NAMELEN, 32);
        headers.set(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN, CONTROL_BYTES);
        headers.set(JAVA_INT, h + SocketCalls.MSG_FLAGS, 0);
      }
      int r =
          (int)
              SocketCalls.RECVMMSG.invokeExact(
                  st, s.fd, headers, SLOTS, SocketCalls.MSG_DONTWAIT, MemorySegment.NULL);
      if (r <= 0) {
        return; // EAGAIN (or a queued error: nothing to forward)
      }
      for (int i = 0; i < r; i++) {
        handle(s, i);
      }
      if (r < SLOTS) {
        return;
      }
    }
  }

  private void handle(UdpSession s, int i) throws Throwable {
    long h = (long) SocketCalls.MMSGHDR * i;
    int len = headers.get(JAVA_INT, h + SocketCalls.MSG_LEN);
    long at = (long) SLOT_BYTES * i;
    long name = 32L * i;
    if (len == UdpRelayBind.LENGTH && data.get(JAVA_BYTE, at) == (byte) 0xFF) {
      byte[] raw = new byte[UdpRelayBind.LENGTH];
      MemorySegment.copy(data, JAVA_BYTE, at, raw, 0, raw.length);
      if (UdpRelayBind.looksLikeBind(raw, 0, raw.length)) {
        bind(s, name, raw);
        return;
      }
    }
    UdpSession.Side a = s.sides[0];
    UdpSession.Side b = s.sides[1];
    UdpSession.Side to;
    if (a.is(names, name)) {
      to = b;
    } else if (b.is(names, name)) {
      to = a;
    } else {
      metrics.dropped("udp_unbound_source");
      return;
    }
    if (!to.everBound) {
      metrics.dropped("udp_peer_unbound");
      return;
    }
    s.lastActive = nanos.getAsLong();
    int segment = groSize(i, len);
    if (send(s.fd, to, at, len, segment)) {
      packets += (len + segment - 1) / segment;
      bytes += len;
    }
  }

  /** One sendmsg of {@code len} bytes at {@code data[at]}, cut into {@code segment}s by GSO. */
  private boolean send(int fd, UdpSession.Side to, long at, int len, int segment) throws Throwable {
    txIov.set(JAVA_LONG, 0, data.address() + at);
    txIov.set(JAVA_LONG, 8, len);
    txHeader.set(JAVA_LONG, SocketCalls.MSG_NAME, to.name.address());
    txHeader.set(JAVA_INT, SocketCalls.MSG_NAMELEN, SocketCalls.SOCKADDR_IN6);
    txHeader.set(JAVA_LONG, SocketCalls.MSG_IOV, txIov.address());
    txHeader.set(JAVA_LONG, SocketCalls.MSG_IOVLEN, 1);
    txHeader.set(JAVA_INT, SocketCalls.MSG_FLAGS, 0);
    boolean gso = len > segment && gsoWorks;
    if (gso) {
      txControl.set(JAVA_LONG, 0, 18); // CMSG_LEN(sizeof(uint16_t))
      txControl.set(JAVA_INT, 8, SocketCalls.SOL_UDP);
      txControl.set(JAVA_INT, 12, SocketCalls.UDP_SEGMENT);
      txControl.set(JAVA_SHORT, 16, (short) segment);
      txHeader.set(JAVA_LONG, SocketCalls.MSG_CONTROL, txControl.address());
      txHeader.set(JAVA_LONG, SocketCalls.MSG_CONTROLLEN, 24);
    } else {
      txHeader.set(JAVA_LONG, SocketCalls.MSG_CONTROL, 0L);
      txHeader.set(JAVA_LONG, SocketCalls.MSG_CONTROLLEN, 0);
    }
    if (len > segment && !gsoWorks) {
      boolean all = true;
      for (int off = 0; off < len; off += segment) {
        all &= send(fd, to, at + off, Math.min(segment, len - off), segment);
      }
      return all;
    }
    long r = (long) SocketCalls.SENDMSG.invokeExact(st, fd, txHeader, SocketCalls.MSG_DONTWAIT);
    if (r >= 0) {
      return true;
    }
    int e = SocketCalls.errno(st);
    if (gso && e != SocketCalls.EAGAIN && e != SocketCalls.EINTR) {
      gsoWorks = false; // the kernel cannot segment here: cut in user space from now on
      LOG.info("udp relay: UDP GSO refused (errno {}); sending datagrams one by one", e);
      return send(fd, to, at, len, segment);
    }
    metrics.dropped("udp_send_full");
    return false;
  }

  /** The GRO segment size of received message {@code i} (its length when not coalesced). */
  private int groSize(int i, int len) {
    long h = (long) SocketCalls.MMSGHDR * i;
    long controlLen = headers.get(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN);
    long c = (long) CONTROL_BYTES * i;
    long at = 0;
    while (at + 16 <= controlLen && at + 16 <= CONTROL_BYTES) {
      long cmsgLen = control.get(JAVA_LONG, c + at);
      int level = control.get(JAVA_INT, c + at + 8);
      int type = control.get(JAVA_INT, c + at + 12);
      if (level == SocketCalls.SOL_UDP && type == SocketCalls.UDP_GRO && cmsgLen >= 20) {
        int seg = control.get(JAVA_INT, c + at + 16);
        return seg > 0 && seg < len ? seg : len;
      }
      if (cmsgLen < 16) {
        break;
      }
      at += (cmsgLen + 7) & ~7L;
    }
    return len;
  }

  private void bind(UdpSession s, long name, byte[] raw) {
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
    if (side.bindTo(names, name)) {
      metrics.control("udp_bind");
    }
    s.lastActive = nanos.getAsLong();
  }

  @Override
  public void close() {
    List<UdpSession> all;
    synchronized (this) {
      closed = true;
      all = table.all();
    }
    wakeup();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = SocketCalls.newCallState(arena);
      if (!loop.isAlive()) {
        for (UdpSession s; (s = toRegister.poll()) != null; ) {
          SocketCalls.close(state, s.fd);
        }
      }
      SocketCalls.close(state, epollFd);
      SocketCalls.close(state, wakeFd);
    }
  }
}
