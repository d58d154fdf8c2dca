package dev.trellis.relay.udprelay;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The libc calls of the UDP relay's forwarding loop (x86-64 and arm64 Linux), bound through the
 * Foreign Function and Memory API with {@code errno} captured: dual-stack UDP sockets with UDP GRO
 * (the kernel hands over a burst of equal-sized datagrams from one source as one super-datagram and
 * says the segment size), {@code recvmmsg}, {@code sendmsg} with UDP GSO ({@code UDP_SEGMENT}: a
 * super-datagram leaves as one and the kernel cuts it again, as late as it can), {@code epoll} and
 * an {@code eventfd} to wake it. This is what lets a relayed flow of full-sized WireGuard datagrams
 * cost one receive and one send per burst rather than per datagram. The JDK's datagram channels can
 * do neither GRO nor GSO.
 *
 * <p>Thread-safety: stateless; each thread passes its own call-state segment.
 */
final class NativeUdp {
  static final int AF_INET6 = 10;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_NONBLOCK = 0x800;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_SNDBUF = 7;
  static final int SO_RCVBUF = 8;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_V6ONLY = 26;
  static final int SOL_UDP = 17;
  static final int UDP_SEGMENT = 103;
  static final int UDP_GRO = 104;
  static final int MSG_DONTWAIT = 0x40;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLL_CTL_DEL = 2;
  static final int EPOLLIN = 1;

  /** struct msghdr fields, and struct mmsghdr (msghdr + msg_len, padded to 64). */
  static final int MSG_NAME = 0;

  static final int MSG_NAMELEN = 8;
  static final int MSG_IOV = 16;
  static final int MSG_IOVLEN = 24;
  static final int MSG_CONTROL = 32;
  static final int MSG_CONTROLLEN = 40;
  static final int MSG_FLAGS = 48;
  static final int MSG_LEN = 56;
  static final int MMSGHDR = 64;

  /** struct sockaddr_in6. */
  static final int SOCKADDR_IN6 = 28;

  /** struct epoll_event (packed on x86-64: u32 events, u64 data). */
  static final int EPOLL_EVENT = 12;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout STATE = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET =
      STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

  static final MethodHandle SOCKET = call("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  static final MethodHandle SETSOCKOPT =
      call("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle BIND = call("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle GETSOCKNAME = call("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  static final MethodHandle RECVMMSG =
      call("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
  static final MethodHandle SENDMSG = call("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  static final MethodHandle CLOSE = call("close", JAVA_INT, JAVA_INT);
  static final MethodHandle EVENTFD = call("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
  static final MethodHandle WRITE = call("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  static final MethodHandle READ = call("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  static final MethodHandle EPOLL_CREATE1 = call("epoll_create1", JAVA_INT, JAVA_INT);
  static final MethodHandle EPOLL_CTL =
      call("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
  static final MethodHandle EPOLL_WAIT =
      call("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

  private NativeUdp() {}

  private static MethodHandle call(String name, MemoryLayout ret, MemoryLayout... args) {
    return LINKER.downcallHandle(
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
        FunctionDescriptor.of(ret, args),
        ERRNO);
  }

  static MemorySegment newCallState(Arena arena) {
    return arena.allocate(STATE);
  }

  static int errno(MemorySegment state) {
    return state.get(JAVA_INT, ERRNO_OFFSET);
  }

  /** Writes {@code address:port} as a sockaddr_in6 (IPv4 as ::ffff:a.b.c.d) at {@code sa}. */
  static void sockaddr(MemorySegment sa, InetAddress address, int port) {
    sa.asSlice(0, SOCKADDR_IN6).fill((byte) 0);
    sa.set(JAVA_SHORT, 0, (short) AF_INET6);
    sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
    sa.set(JAVA_BYTE, 3, (byte) port);
    byte[] a = address.getAddress();
    if (address.isAnyLocalAddress()) {
      return;
    }
    if (address instanceof Inet4Address) {
      sa.set(JAVA_BYTE, 18, (byte) 0xff);
      sa.set(JAVA_BYTE, 19, (byte) 0xff);
      MemorySegment.copy(a, 0, sa, JAVA_BYTE, 20, 4);
    } else {
      MemorySegment.copy(a, 0, sa, JAVA_BYTE, 8, 16);
    }
  }

  /** A non-blocking dual-stack UDP socket with GRO, bound to {@code host:port}; its fd. */
  static int open(MemorySegment st, InetAddress host, int port) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      int fd = (int) SOCKET.invokeExact(st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("UDP socket failed: errno " + errno(st));
      }
      setInt(a, st, fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
      setInt(a, st, fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
      setInt(a, st, fd, SOL_SOCKET, SO_SNDBUF, 4 << 20);
      setInt(a, st, fd, SOL_UDP, UDP_GRO, 1);
      MemorySegment sa = a.allocate(SOCKADDR_IN6, 8);
      sockaddr(sa, host, port);
      if ((int) BIND.invokeExact(st, fd, sa, SOCKADDR_IN6) < 0) {
        int e = errno(st);
        close(st, fd);
        throw new IOException("cannot bind UDP port " + port + ": errno " + e);
      }
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("UDP socket failed: " + t, t);
    }
  }

  /** The port {@code fd} is bound to. */
  static int port(MemorySegment st, int fd) throws IOException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment sa = a.allocate(SOCKADDR_IN6, 8);
      MemorySegment len = a.allocate(JAVA_INT);
      len.set(JAVA_INT, 0, SOCKADDR_IN6);
      if ((int) GETSOCKNAME.invokeExact(st, fd, sa, len) < 0) {
        throw new IOException("getsockname failed: errno " + errno(st));
      }
      return (sa.get(JAVA_BYTE, 2) & 0xff) << 8 | (sa.get(JAVA_BYTE, 3) & 0xff);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(t);
    }
  }

  static void close(MemorySegment st, int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(st, fd);
    } catch (Throwable t) {
      // closing anyway
    }
  }

  private static void setInt(Arena a, MemorySegment st, int fd, int level, int opt, int v)
      throws Throwable {
    MemorySegment val = a.allocate(JAVA_INT);
    val.set(JAVA_INT, 0, v);
    int ignored = (int) SETSOCKOPT.invokeExact(st, fd, level, opt, val, 4);
  }
}
