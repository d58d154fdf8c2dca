package dev.trellis.agent.tun;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Linux kernel TUN device opened through the Foreign Function and Memory API: {@code
 * /dev/net/tun} with {@code IFF_TUN | IFF_NO_PI}, optionally {@code IFF_VNET_HDR} with TCP
 * segmentation offload, in which case the kernel hands over TCP super-packets of up to 64 KiB that
 * {@link TsoSplitter} cuts into MTU-sized segments on read, and runs of TCP segments written
 * towards the kernel are merged back into super-packets by {@link TcpCoalescer}.
 *
 * <p>The descriptor is non-blocking; a read waits in {@code poll(2)} on the device and on an
 * eventfd that {@link #close()} signals, so closing wakes a blocked reader at once. Reads drain up
 * to {@link #batchSize()} packets per wake-up.
 *
 * <p>Thread-safety: one reader and one writer may run at once (as {@link Tun} allows); {@link
 * #close()} is safe from any thread and waits for both to leave the descriptor before closing it.
 */
public final class LinuxTun implements Tun {
  private static final long TUNSETIFF = 0x400454caL;
  private static final long TUNSETOFFLOAD = 0x400454d0L;
  private static final short IFF_TUN = 0x0001;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;
  private static final int TUN_F_CSUM = 0x01;
  private static final int TUN_F_TSO4 = 0x02;
  private static final int TUN_F_TSO6 = 0x04;
  private static final int IFNAMSIZ = 16;
  private static final int BATCH = 64;

  /** The default MTU of a WireGuard interface (1500 minus the worst-case IPv6 overhead). */
  public static final int DEFAULT_MTU = 1420;

  private final String name;
  private final int mtu;
  private final boolean offload;
  private final int fd;
  private final int wakeFd;
  private final Arena arena = Arena.ofShared();
  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong writeDrops = new AtomicLong();
  private final AtomicLong readDrops = new AtomicLong();
  private volatile boolean closed;

  // guarded by readLock
  private final MemorySegment readState;
  private final MemorySegment pollFds;
  private final SegmentCache readSegments = new SegmentCache(BATCH);
  private final TsoSplitter splitter;
  private final byte[] superPacket;
  private final MemorySegment superSegment;

  // guarded by writeLock
  private final MemorySegment writeState;
  private final MemorySegment writePoll;
  private final SegmentCache writeSegments = new SegmentCache(BATCH);
  private final byte[] writeScratch;
  private final MemorySegment writeScratchSegment;
  private final TcpCoalescer coalescer = new TcpCoalescer();

  private LinuxTun(String name, int mtu, boolean offload, int fd, int wakeFd) {
    this.name = name;
    this.mtu = mtu;
    this.offload = offload;
    this.fd = fd;
    this.wakeFd = wakeFd;
    // The small segments every call passes live in the global arena (a few dozen bytes that are
    // never freed): segments of a closeable shared arena cost an atomic acquire/release per call.
    Arena small = Arena.global();
    this.readState = Libc.newCallState(small);
    this.writeState = Libc.newCallState(small);
    this.pollFds = small.allocate(Libc.POLLFD, 2);
    pollFds.set(JAVA_INT, 0, fd);
    pollFds.set(JAVA_SHORT, 4, Libc.POLLIN);
    pollFds.set(JAVA_INT, 8, wakeFd);
    pollFds.set(JAVA_SHORT, 12, Libc.POLLIN);
    this.writePoll = small.allocate(Libc.POLLFD, 2);
    writePoll.set(JAVA_INT, 0, fd);
    writePoll.set(JAVA_SHORT, 4, Libc.POLLOUT);
    writePoll.set(JAVA_INT, 8, wakeFd);
    writePoll.set(JAVA_SHORT, 12, Libc.POLLIN);
    this.splitter = offload ? new TsoSplitter() : null;
    this.superPacket = offload ? new byte[VnetHeader.SIZE + 65535] : null;
    this.superSegment = offload ? MemorySegment.ofArray(superPacket) : null;
    this.writeScratch = offload ? new byte[VnetHeader.SIZE + 65535] : null;
    this.writeScratchSegment = offload ? MemorySegment.ofArray(writeScratch) : null;
  }

  /**
   * Creates (or attaches to) the TUN device {@code name} without offloads.
   *
   * @throws IOException with a message that says what is missing when the process lacks root or
   *     CAP_NET_ADMIN, or when {@code /dev/net/tun} does not exist
   */
  public static LinuxTun open(String name, int mtu) throws IOException {
    return open(name, mtu, false);
  }

  /**
   * Creates (or attaches to) the TUN device {@code name}; with {@code offload} it asks for a virtio
   * header and TCP segmentation offload, falling back to the plain device if the kernel refuses.
   */
  public static LinuxTun open(String name, int mtu, boolean offload) throws IOException {
    if (name == null
        || name.isEmpty()
        || name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ) {
      throw new IOException("TUN name must be 1-15 ASCII characters: '" + name + "'");
    }
    if (mtu < 576 || mtu > 65535) {
      throw new IOException("TUN MTU out of range 576-65535: " + mtu);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = Libc.newCallState(a);
      int fd =
          (int)
              Libc.OPEN.invokeExact(
                  state,
                  a.allocateFrom("/dev/net/tun"),
                  Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC,
                  0);
      if (fd < 0) {
        throw openError(name, Libc.errno(state), "open /dev/net/tun");
      }
      boolean vnet = offload;
      try {
        String actual = setIff(a, state, fd, name, vnet);
        if (vnet) {
          int flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
          int r = (int) Libc.IOCTL_INT.invokeExact(state, fd, TUNSETOFFLOAD, (long) flags);
          if (r < 0) {
            // The kernel took the header but not TSO: reopen plainly rather than half-configured.
            Libc.CLOSE.invokeExact(state, fd);
            return open(name, mtu, false);
          }
        }
        int wake = (int) Libc.EVENTFD.invokeExact(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (wake < 0) {
          throw new IOException("eventfd failed: " + Libc.strerror(Libc.errno(state)));
        }
        return new LinuxTun(actual, mtu, vnet, fd, wake);
      } catch (IOException | RuntimeException e) {
        int ignored = (int) Libc.CLOSE.invokeExact(state, fd);
        throw e;
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("TUN open failed: " + t, t);
    }
  }

  private static String setIff(Arena a, MemorySegment state, int fd, String name, boolean vnet)
      throws Throwable {
    MemorySegment ifr = a.allocate(40);
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(n, 0, ifr, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n.length);
    short flags = (short) (IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0));
    ifr.set(JAVA_SHORT, 16, flags);
    int r = (int) Libc.IOCTL.invokeExact(state, fd, TUNSETIFF, ifr);
    if (r < 0) {
      throw openError(name, Libc.errno(state), "ioctl TUNSETIFF");
    }
    return ifr.getString(0);
  }

  private static IOException openError(String name, int errno, String step) {
    String detail = step + ": " + Libc.strerror(errno);
    return switch (errno) {
      case Libc.EPERM, Libc.EACCES ->
          new IOException(
              "cannot create TUN device "
                  + name
                  + " ("
                  + detail
                  + "): run as root or grant CAP_NET_ADMIN, and make /dev/net/tun accessible");
      case Libc.ENOENT, Libc.ENODEV ->
          new IOException(
              "cannot create TUN device "
                  + name
                  + " ("
                  + detail
                  + "): /dev/net/tun is missing; load the tun module (modprobe tun) or create it"
                  + " (mknod /dev/net/tun c 10 200)");
      case Libc.EBUSY ->
          new IOException(
              "cannot create TUN device " + name + " (" + detail + "): the name is in use");
      default -> new IOException("cannot create TUN device " + name + " (" + detail + ")");
    };
  }

  @Override
  public int read(byte[][] bufs, int[] sizes, int offset) throws IOException {
    readLock.lock();
    try {
      while (true) {
        if (closed) {
          throw new ClosedChannelException();
        }
        int n = offload ? readOffload(bufs, sizes, offset) : readPlain(bufs, sizes, offset);
        if (n > 0) {
          return n;
        }
        waitReadable();
      }
    } finally {
      readLock.unlock();
    }
  }

  private int readPlain(byte[][] bufs, int[] sizes, int offset) throws IOException {
    int max = Math.min(bufs.length, BATCH);
    int n = 0;
    while (n < max) {
      MemorySegment seg = readSegments.get(n, bufs[n], offset);
      long r;
      try {
        r = (long) Libc.READ.invokeExact(readState, fd, seg, (long) (bufs[n].length - offset));
      } catch (Throwable t) {
        throw new IOException(t);
      }
      if (r < 0) {
        int e = Libc.errno(readState);
        if (e == Libc.EAGAIN || e == Libc.EINTR) {
          break;
        }
        throw ioError("read", e);
      }
      if (r == 0) {
        continue;
      }
      sizes[n++] = (int) r;
    }
    return n;
  }

  private int readOffload(byte[][] bufs, int[] sizes, int offset) throws IOException {
    int max = Math.min(bufs.length, BATCH);
    int n = 0;
    while (n < max) {
      if (!splitter.hasMore()) {
        long r;
        try {
          r = (long) Libc.READ.invokeExact(readState, fd, superSegment, (long) superPacket.length);
        } catch (Throwable t) {
          throw new IOException(t);
        }
        if (r < 0) {
          int e = Libc.errno(readState);
          if (e == Libc.EAGAIN || e == Libc.EINTR) {
            break;
          }
          throw ioError("read", e);
        }
        if (!splitter.begin(superPacket, (int) r)) {
          readDrops.incrementAndGet();
          continue;
        }
      }
      // A super-packet larger than the rest of this batch is finished by the next read call.
      while (n < max && splitter.hasMore()) {
        int size = splitter.next(bufs[n], offset);
        if (size < 0) {
          readDrops.incrementAndGet();
          continue;
        }
        sizes[n++] = size;
      }
    }
    return n;
  }

  private void waitReadable() throws IOException {
    pollFds.set(JAVA_SHORT, 6, (short) 0);
    pollFds.set(JAVA_SHORT, 14, (short) 0);
    int r;
    try {
      r = (int) Libc.POLL.invokeExact(readState, pollFds, 2L, -1);
    } catch (Throwable t) {
      throw new IOException(t);
    }
    if (r < 0 && Libc.errno(readState) != Libc.EINTR) {
      throw ioError("poll", Libc.errno(readState));
    }
    if (closed || pollFds.get(JAVA_SHORT, 14) != 0) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public void write(byte[][] bufs, int[] sizes, int offset, int count) throws IOException {
    writeLock.lock();
    try {
      if (closed) {
        throw new ClosedChannelException();
      }
      int i = 0;
      while (i < count) {
        int merged = offload ? coalescer.coalesce(bufs, sizes, offset, i, count, writeScratch) : 1;
        if (merged > 1) {
          writeSegment(writeScratchSegment, coalescer.length, merged);
        } else {
          writeOne(i, bufs[i], offset, sizes[i]);
        }
        i += merged;
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void writeOne(int index, byte[] buf, int offset, int size) throws IOException {
    MemorySegment seg;
    long len;
    if (offload) {
      // The device expects a virtio header in front of every packet: an empty one (no offload).
      if (offset >= VnetHeader.SIZE) {
        VnetHeader.clear(buf, offset - VnetHeader.SIZE);
        seg = writeSegments.get(index, buf, offset - VnetHeader.SIZE);
      } else {
        VnetHeader.clear(writeScratch, 0);
        System.arraycopy(buf, offset, writeScratch, VnetHeader.SIZE, size);
        seg = writeScratchSegment;
      }
      len = size + VnetHeader.SIZE;
    } else {
      seg = writeSegments.get(index, buf, offset);
      len = size;
    }
    writeSegment(seg, len, 1);
  }

  private void writeSegment(MemorySegment seg, long len, int packets) throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      long r;
      try {
        r = (long) Libc.WRITE.invokeExact(writeState, fd, seg, len);
      } catch (Throwable t) {
        throw new IOException(t);
      }
      if (r >= 0) {
        return;
      }
      int e = Libc.errno(writeState);
      if (e == Libc.EAGAIN && attempt == 0) {
        waitWritable();
        continue;
      }
      if (closed) {
        throw new ClosedChannelException();
      }
      break; // EINVAL (malformed packet), EIO, ...: the kernel refused this packet
    }
    writeDrops.addAndGet(packets);
  }

  private void waitWritable() throws IOException {
    try {
      int ignored = (int) Libc.POLL.invokeExact(writeState, writePoll, 2L, 100);
    } catch (Throwable t) {
      throw new IOException(t);
    }
  }

  private static IOException ioError(String call, int errno) {
    return new IOException("TUN " + call + " failed: " + Libc.strerror(errno));
  }

  /** Packets the kernel refused on write (malformed, or the queue stayed full), dropped. */
  public long writeDrops() {
    return writeDrops.get();
  }

  /** Super-packets from the kernel that could not be segmented, dropped. */
  public long readDrops() {
    return readDrops.get();
  }

  /** Whether the device runs with the virtio header and TCP segmentation offload. */
  public boolean offload() {
    return offload;
  }

  @Override
  public int batchSize() {
    return BATCH;
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
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment one = a.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      MemorySegment state = Libc.newCallState(a);
      long ignored = (long) Libc.WRITE.invokeExact(state, wakeFd, one, 8L);
      boolean r = readLock.tryLock(2, TimeUnit.SECONDS);
      boolean w = writeLock.tryLock(2, TimeUnit.SECONDS);
      try {
        int c1 = (int) Libc.CLOSE.invokeExact(state, fd);
        int c2 = (int) Libc.CLOSE.invokeExact(state, wakeFd);
      } finally {
        if (w) {
          writeLock.unlock();
        }
        if (r) {
          readLock.unlock();
        }
      }
      if (r && w) {
        arena.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      throw new IOException("TUN close failed: " + t, t);
    }
  }

  @Override
  public String toString() {
    return "LinuxTun[" + name + ", mtu " + mtu + (offload ? ", tso" : "") + "]";
  }
}
