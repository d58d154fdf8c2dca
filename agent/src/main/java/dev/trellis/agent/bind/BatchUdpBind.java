package dev.trellis.agent.bind;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.trellis.proto.sys.SocketCalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's UDP socket through FFM with batched system calls: {@code recvmmsg} fills up to
 * {@value #RX_SLOTS} datagrams per call and {@code sendmmsg} sends a whole batch in one; with UDP
 * GSO ({@code UDP_SEGMENT}) a run of equal-sized datagrams to one endpoint leaves as one
 * super-datagram that the kernel cuts, and with UDP GRO the kernel hands over coalesced datagrams
 * that this class cuts again. If the kernel refuses GSO on a send, the bind turns it off and sends
 * plainly.
 *
 * <p>One dual-stack (IPv6 with IPv4-mapped) non-blocking socket; a receive waits in {@code poll} on
 * the socket and an eventfd that {@link #close()} signals. Endpoints are cached so a steady flow
 * allocates nothing per datagram.
 *
 * <p>Memory (native, resident from the start): each receive slot holds a whole GRO super-datagram
 * (64 KiB), so there are no more of them than one call needs; a send lays a batch's packets end to
 * end in one area the size of a batch, whatever messages it makes of them. That is 2.3 MiB, where
 * 64 slots of 64 KiB each way took 8 MiB.
 *
 * <p>Thread-safety: one receiving thread; senders are serialised by a lock; {@link #close()} from
 * any thread.
 */
public final class BatchUdpBind implements Bind {
  /** Datagrams per recvmmsg; with GRO each may be a super-datagram of up to 64 KiB. */
  private static final int RX_SLOTS = 32;

  private static final int RX_SLOT_BYTES = 65536;

  /** Messages per sendmmsg (a GSO message carries up to {@value #MAX_GSO_SEGMENTS} packets). */
  private static final int TX_SLOTS = 64;

  /** Packets handed out per receive call, and the batch the device sends in. */
  private static final int BATCH = 64;

  /** The send area: a batch of packets of the device's largest size (4096 + head-room). */
  private static final int TX_BYTES = BATCH * 4160;

  private static final int CONTROL_BYTES = 64;
  private static final int MAX_GSO_SEGMENTS = 64;
  private static final int MAX_GSO_BYTES = 65000;
  private static final int ENDPOINT_CACHE = 64;

  private final int fd;
  private final int wakeFd;
  private final int port;
  private final Arena arena = Arena.ofShared();
  private final ReentrantLock receiveLock = new ReentrantLock();
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicLong sendDrops = new AtomicLong();
  private final AtomicLong receiveDrops = new AtomicLong();
  private final boolean gro;
  private volatile boolean gso;
  private volatile boolean closed;

  // guarded by receiveLock
  private final MemorySegment rxState;
  private final MemorySegment rxPoll;
  private final MemorySegment rxHeaders;
  private final MemorySegment rxNames;
  private final MemorySegment rxControl;
  private final MemorySegment rxData;
  private int pendingCount; // messages received but not yet handed out
  private int pendingIndex;
  private int pendingOffset; // bytes of message pendingIndex already handed out
  private final byte[][] cacheKeys = new byte[ENDPOINT_CACHE][];
  private final Endpoint[] cacheValues = new Endpoint[ENDPOINT_CACHE];
  private int cacheNext;
  private final byte[] nameScratch = new byte[18];

  // guarded by sendLock
  private final MemorySegment txState;
  private final MemorySegment txPoll;
  private final MemorySegment txHeaders;
  private final MemorySegment txIovs;
  private final MemorySegment txControl;
  private final MemorySegment txData;
  private final MemorySegment txName;
  private final int[] txFirstPacket = new int[TX_SLOTS + 1];
  private Endpoint lastTo;

  private BatchUdpBind(int fd, int wakeFd, int port, boolean gro) {
    this.fd = fd;
    this.wakeFd = wakeFd;
    this.port = port;
    this.gro = gro;
    this.gso = true;
    // Segments passed as call arguments live in the global arena (about 12 KiB per bind, never
    // freed): those of a closeable shared arena cost an atomic acquire/release on every call. The
    // large data areas, only reached through pointers, are freed on close.
    Arena small = Arena.global();
    rxState = SocketCalls.newCallState(small);
    rxPoll = pollFds(small, 1);
    rxHeaders = small.allocate((long) SocketCalls.MMSGHDR * RX_SLOTS, 8);
    MemorySegment rxIovs = small.allocate(16L * RX_SLOTS, 8);
    rxNames = small.allocate(32L * RX_SLOTS, 8);
    rxControl = small.allocate((long) CONTROL_BYTES * RX_SLOTS, 8);
    rxData = arena.allocate((long) RX_SLOT_BYTES * RX_SLOTS, 64);
    for (int i = 0; i < RX_SLOTS; i++) {
      MemorySegment iov = rxIovs.asSlice(16L * i, 16);
      iov.set(ADDRESS, 0, rxData.asSlice((long) RX_SLOT_BYTES * i, RX_SLOT_BYTES));
      iov.set(JAVA_LONG, 8, RX_SLOT_BYTES);
      MemorySegment h = rxHeaders.asSlice((long) SocketCalls.MMSGHDR * i, SocketCalls.MMSGHDR);
      h.set(ADDRESS, SocketCalls.MSG_NAME, rxNames.asSlice(32L * i, 32));
      h.set(ADDRESS, SocketCalls.MSG_IOV, iov);
      h.set(JAVA_LONG, SocketCalls.MSG_IOVLEN, 1);
      h.set(ADDRESS, SocketCalls.MSG_CONTROL, rxControl.asSlice((long) CONTROL_BYTES * i));
    }
    txState = SocketCalls.newCallState(small);
    txPoll = pollFds(small, 4);
    txHeaders = small.allocate((long) SocketCalls.MMSGHDR * TX_SLOTS, 8);
    txIovs = small.allocate(16L * TX_SLOTS, 8);
    txControl = small.allocate((long) CONTROL_BYTES * TX_SLOTS, 8);
    txData = arena.allocate(TX_BYTES, 64);
    txName = small.allocate(32, 8);
  }

  private MemorySegment pollFds(Arena in, int events) {
    MemorySegment p = in.allocate(16, 8);
    p.set(JAVA_INT, 0, fd);
    p.set(JAVA_SHORT, 4, (short) events);
    p.set(JAVA_INT, 8, wakeFd);
    p.set(JAVA_SHORT, 12, (short) 1);
    return p;
  }

  /** Opens a dual-stack UDP socket on {@code port} (0 for any free port). */
  public static BatchUdpBind open(int port) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = SocketCalls.newCallState(a);
      int fd =
          (int)
              SocketCalls.SOCKET.invokeExact(
                  st,
                  SocketCalls.AF_INET6,
                  SocketCalls.SOCK_DGRAM | SocketCalls.SOCK_NONBLOCK | SocketCalls.SOCK_CLOEXEC,
                  0);
      if (fd < 0) {
        throw new IOException("UDP socket failed: errno " + SocketCalls.errno(st));
      }
      try {
        setInt(a, st, fd, SocketCalls.IPPROTO_IPV6, SocketCalls.IPV6_V6ONLY, 0);
        int size = UdpBind.SOCKET_BUFFER;
        if (!setInt(a, st, fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_RCVBUFFORCE, size)) {
          setInt(a, st, fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_RCVBUF, size);
        }
        if (!setInt(a, st, fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_SNDBUFFORCE, size)) {
          setInt(a, st, fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_SNDBUF, size);
        }
        boolean gro = setInt(a, st, fd, SocketCalls.SOL_UDP, SocketCalls.UDP_GRO, 1);
        MemorySegment sa = a.allocate(SocketCalls.SOCKADDR_IN6, 8);
        sa.set(JAVA_SHORT, 0, (short) SocketCalls.AF_INET6);
        sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(JAVA_BYTE, 3, (byte) port);
        int r = (int) SocketCalls.BIND.invokeExact(st, fd, sa, SocketCalls.SOCKADDR_IN6);
        if (r < 0) {
          throw new IOException(
              "cannot listen on UDP port " + port + ": errno " + SocketCalls.errno(st));
        }
        MemorySegment len = a.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, SocketCalls.SOCKADDR_IN6);
        r = (int) SocketCalls.GETSOCKNAME.invokeExact(st, fd, sa, len);
        int bound =
            r < 0 ? port : (sa.get(JAVA_BYTE, 2) & 0xff) << 8 | (sa.get(JAVA_BYTE, 3) & 0xff);
        int wake = (int) SocketCalls.EVENTFD.invokeExact(st, 0, 0x800 | 0x80000);
        if (wake < 0) {
          throw new IOException("eventfd failed: errno " + SocketCalls.errno(st));
        }
        return new BatchUdpBind(fd, wake, bound, gro);
      } catch (IOException | RuntimeException e) {
        int ignored = (int) SocketCalls.CLOSE.invokeExact(st, fd);
        throw e;
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("UDP socket failed: " + t, t);
    }
  }

  private static boolean setInt(Arena a, MemorySegment st, int fd, int level, int opt, int v)
      throws Throwable {
    MemorySegment val = a.allocate(JAVA_INT);
    val.set(JAVA_INT, 0, v);
    return (int) SocketCalls.SETSOCKOPT.invokeExact(st, fd, level, opt, val, 4) == 0;
  }

  @Override
  public int receive(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) throws IOException {
    receiveLock.lock();
    try {
      while (true) {
        if (closed) {
          throw new ClosedChannelException();
        }
        if (pendingCount == 0 && !fill()) {
          waitFor(rxPoll, rxState, -1);
          continue;
        }
        int n = drain(bufs, sizes, offset, from);
        if (n > 0) {
          return n;
        }
      }
    } finally {
      receiveLock.unlock();
    }
  }

  /** One recvmmsg; false if nothing was waiting. */
  private boolean fill() throws IOException {
    for (int i = 0; i < RX_SLOTS; i++) {
      long h = (long) SocketCalls.MMSGHDR * i;
      rxHeaders.set(JAVA_INT, h + SocketCalls.MSG_NAMELEN, 32);
      rxHeaders.set(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN, CONTROL_BYTES);
      rxHeaders.set(JAVA_INT, h + SocketCalls.MSG_FLAGS, 0);
    }
    int r;
    try {
      r =
          (int)
              SocketCalls.RECVMMSG.invokeExact(
                  rxState, fd, rxHeaders, RX_SLOTS, SocketCalls.MSG_DONTWAIT, MemorySegment.NULL);
    } catch (Throwable t) {
      throw new IOException(t);
    }
    if (r < 0) {
      int e = SocketCalls.errno(rxState);
      if (e == SocketCalls.EAGAIN || e == SocketCalls.EINTR) {
        return false;
      }
      if (closed) {
        throw new ClosedChannelException();
      }
      receiveDrops.incrementAndGet(); // e.g. a queued ICMP error: report nothing, go on
      return false;
    }
    pendingCount = r;
    pendingIndex = 0;
    pendingOffset = 0;
    return r > 0;
  }

  /** Hands out pending datagrams (cutting GRO-coalesced ones) into the caller's buffers. */
  private int drain(byte[][] bufs, int[] sizes, int offset, Endpoint[] from) {
    int n = 0;
    int max = bufs.length;
    while (n < max && pendingIndex < pendingCount) {
      long h = (long) SocketCalls.MMSGHDR * pendingIndex;
      int len = rxHeaders.get(JAVA_INT, h + SocketCalls.MSG_LEN);
      int segment = gro ? groSize(pendingIndex, len) : len;
      Endpoint ep = endpointOf(32L * pendingIndex);
      long base = (long) RX_SLOT_BYTES * pendingIndex;
      while (n < max && pendingOffset < len) {
        int size = Math.min(segment, len - pendingOffset);
        if (size > bufs[n].length - offset || ep == null) {
          receiveDrops.incrementAndGet();
        } else {
          MemorySegment.copy(rxData, JAVA_BYTE, base + pendingOffset, bufs[n], offset, size);
          sizes[n] = size;
          from[n] = ep;
          n++;
        }
        pendingOffset += size;
      }
      if (pendingOffset >= len) {
        pendingIndex++;
        pendingOffset = 0;
      }
    }
    if (pendingIndex >= pendingCount) {
      pendingCount = 0;
    }
    return n;
  }

  private int groSize(int slot, int len) {
    long h = (long) SocketCalls.MMSGHDR * slot;
    long controlLen = rxHeaders.get(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN);
    long c = (long) CONTROL_BYTES * slot;
    long at = 0;
    while (at + 16 <= controlLen && at + 16 <= CONTROL_BYTES) {
      long cmsgLen = rxControl.get(JAVA_LONG, c + at);
      int level = rxControl.get(JAVA_INT, c + at + 8);
      int type = rxControl.get(JAVA_INT, c + at + 12);
      if (level == SocketCalls.SOL_UDP && type == SocketCalls.UDP_GRO && cmsgLen >= 20) {
        int s = rxControl.get(JAVA_INT, c + at + 16);
        return s > 0 ? s : len;
      }
      if (cmsgLen < 16) {
        break;
      }
      at += (cmsgLen + 7) & ~7L;
    }
    return len;
  }

  private Endpoint endpointOf(long at) {
    // key: 16 address bytes + 2 port bytes, compared against a small cache without allocating
    MemorySegment.copy(rxNames, JAVA_BYTE, at + 8, nameScratch, 0, 16);
    nameScratch[16] = rxNames.get(JAVA_BYTE, at + 2);
    nameScratch[17] = rxNames.get(JAVA_BYTE, at + 3);
    for (int i = 0; i < ENDPOINT_CACHE; i++) {
      if (cacheKeys[i] != null && java.util.Arrays.equals(cacheKeys[i], nameScratch)) {
        return cacheValues[i];
      }
    }
    try {
      InetAddress addr = InetAddress.getByAddress(java.util.Arrays.copyOf(nameScratch, 16));
      int p = (nameScratch[16] & 0xff) << 8 | (nameScratch[17] & 0xff);
      Endpoint e = new Endpoint(addr, p);
      cacheKeys[cacheNext] = nameScratch.clone();
      cacheValues[cacheNext] = e;
      cacheNext = (cacheNext + 1) % ENDPOINT_CACHE;
      return e;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public void send(byte[][] bufs, int[] sizes, int offset, int count, Endpoint to)
      throws IOException {
    if (count <= 0) {
      return;
    }
    sendLock.lock();
    try {
      if (closed) {
        throw new ClosedChannelException();
      }
      writeName(to);
      int i = 0;
      while (i < count) {
        int msgs = build(bufs, sizes, offset, i, count);
        int end = txFirstPacket[msgs];
        sendAll(msgs);
        i = end;
      }
    } finally {
      sendLock.unlock();
    }
  }

  /**
   * Lays out messages for packets from {@code start}, end to end in the send area, until the
   * packets, the message slots or the area run out; returns how many messages were built (at least
   * one: a single packet always fits the empty area).
   */
  private int build(byte[][] bufs, int[] sizes, int offset, int start, int count) {
    int m = 0;
    int i = start;
    long data = 0;
    boolean useGso = gso;
    while (i < count && m < TX_SLOTS && (m == 0 || data + sizes[i] <= TX_BYTES)) {
      int segment = sizes[i];
      int total = 0;
      int k = i;
      txFirstPacket[m] = i;
      do {
        MemorySegment.copy(bufs[k], offset, txData, JAVA_BYTE, data + total, sizes[k]);
        total += sizes[k];
        k++;
      } while (useGso
          && k < count
          && k - i < MAX_GSO_SEGMENTS
          && sizes[k - 1] == segment
          && sizes[k] <= segment
          && total + sizes[k] <= MAX_GSO_BYTES
          && data + total + sizes[k] <= TX_BYTES);
      long h = (long) SocketCalls.MMSGHDR * m;
      // raw addresses: slicing would allocate a segment object per message
      txIovs.set(JAVA_LONG, 16L * m, txData.address() + data);
      txIovs.set(JAVA_LONG, 16L * m + 8, total);
      txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_NAME, txName.address());
      txHeaders.set(JAVA_INT, h + SocketCalls.MSG_NAMELEN, SocketCalls.SOCKADDR_IN6);
      txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_IOV, txIovs.address() + 16L * m);
      txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_IOVLEN, 1);
      txHeaders.set(JAVA_INT, h + SocketCalls.MSG_FLAGS, 0);
      if (k - i > 1) {
        long c = (long) CONTROL_BYTES * m;
        txControl.set(JAVA_LONG, c, 18); // CMSG_LEN(sizeof(uint16_t))
        txControl.set(JAVA_INT, c + 8, SocketCalls.SOL_UDP);
        txControl.set(JAVA_INT, c + 12, SocketCalls.UDP_SEGMENT);
        txControl.set(JAVA_SHORT, c + 16, (short) segment);
        txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_CONTROL, txControl.address() + c);
        txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN, 24);
      } else {
        txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_CONTROL, 0L);
        txHeaders.set(JAVA_LONG, h + SocketCalls.MSG_CONTROLLEN, 0);
      }
      m++;
      i = k;
      data += total;
    }
    txFirstPacket[m] = i;
    return m;
  }

  private void sendAll(int msgs) throws IOException {
    int done = 0;
    int retries = 0;
    while (done < msgs) {
      MemorySegment from =
          done == 0 ? txHeaders : txHeaders.asSlice((long) SocketCalls.MMSGHDR * done);
      int r;
      try {
        r = (int) SocketCalls.SENDMMSG.invokeExact(txState, fd, from, msgs - done, 0);
      } catch (Throwable t) {
        throw new IOException(t);
      }
      if (r > 0) {
        done += r;
        continue;
      }
      int e = SocketCalls.errno(txState);
      if (closed) {
        throw new ClosedChannelException();
      }
      if ((e == SocketCalls.EAGAIN || e == SocketCalls.EINTR) && retries++ < 50) {
        waitFor(txPoll, txState, 100);
        continue;
      }
      boolean gsoMessage = txFirstPacket[done + 1] - txFirstPacket[done] > 1;
      if (gsoMessage && (e == SocketCalls.EIO || e == SocketCalls.EINVAL)) {
        gso = false; // the kernel or the device cannot segment: send plainly from now on
      }
      sendDrops.addAndGet(txFirstPacket[done + 1] - txFirstPacket[done]);
      done++; // drop this message as UDP would, send the rest
    }
  }

  private void writeName(Endpoint to) {
    if (to == lastTo) {
      return; // the same endpoint instance: the sockaddr is already in place
    }
    lastTo = to;
    byte[] a = to.address().getAddress();
    txName.fill((byte) 0);
    txName.set(JAVA_SHORT, 0, (short) SocketCalls.AF_INET6);
    txName.set(JAVA_BYTE, 2, (byte) (to.port() >>> 8));
    txName.set(JAVA_BYTE, 3, (byte) to.port());
    if (a.length == 4) {
      txName.set(JAVA_BYTE, 18, (byte) 0xff);
      txName.set(JAVA_BYTE, 19, (byte) 0xff);
      MemorySegment.copy(a, 0, txName, JAVA_BYTE, 20, 4);
    } else {
      MemorySegment.copy(a, 0, txName, JAVA_BYTE, 8, 16);
    }
  }

  private void waitFor(MemorySegment fds, MemorySegment state, int timeoutMillis)
      throws IOException {
    fds.set(JAVA_SHORT, 6, (short) 0);
    fds.set(JAVA_SHORT, 14, (short) 0);
    try {
      int ignored = (int) SocketCalls.POLL.invokeExact(state, fds, 2L, timeoutMillis);
    } catch (Throwable t) {
      throw new IOException(t);
    }
    if (closed || fds.get(JAVA_SHORT, 14) != 0) {
      throw new ClosedChannelException();
    }
  }

  /** Datagrams dropped on send (refused by the network or the kernel). */
  public long sendDrops() {
    return sendDrops.get();
  }

  /** Datagrams dropped on receive (too large for the caller's buffer, socket errors). */
  public long receiveDrops() {
    return receiveDrops.get();
  }

  /** Whether sends still use UDP GSO. */
  public boolean gso() {
    return gso;
  }

  /** Whether the kernel coalesces received datagrams (UDP GRO). */
  public boolean gro() {
    return gro;
  }

  @Override
  public int batchSize() {
    return BATCH;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment st = SocketCalls.newCallState(a);
      MemorySegment one = a.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      long ignored = (long) SocketCalls.WRITE.invokeExact(st, wakeFd, one, 8L);
      boolean r = receiveLock.tryLock(2, TimeUnit.SECONDS);
      boolean s = sendLock.tryLock(2, TimeUnit.SECONDS);
      try {
        int c1 = (int) SocketCalls.CLOSE.invokeExact(st, fd);
        int c2 = (int) SocketCalls.CLOSE.invokeExact(st, wakeFd);
      } finally {
        if (s) {
          sendLock.unlock();
        }
        if (r) {
          receiveLock.unlock();
        }
      }
      if (r && s) {
        arena.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      throw new IOException("UDP close failed: " + t, t);
    }
  }

  @Override
  public String toString() {
    return "BatchUdpBind[:" + port + (gso ? ", gso" : "") + (gro ? ", gro" : "") + "]";
  }
}
