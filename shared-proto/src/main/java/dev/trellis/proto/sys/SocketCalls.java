package dev.trellis.proto.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

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
 * The libc socket calls that the agent's WireGuard socket and the relay's UDP relay make themselves
 * (socket, setsockopt, bind, getsockname, recvmmsg, sendmmsg, sendmsg, poll, epoll, eventfd, read,
 * write, close), bound once through the Foreign Function and Memory API with {@code errno} captured
 * into a caller-owned segment, with the Linux constants and the x86-64/arm64 struct offsets they
 * use. The JDK's datagram channels offer neither UDP GRO nor GSO nor batched system calls, which is
 * why these are called directly.
 *
 * <p>Thread-safety: stateless; each thread passes its own call-state segment ({@link
 * #newCallState}).
 */
public final class SocketCalls {
  public static final int AF_INET6 = 10;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVBUF = 8;
  public static final int SO_SNDBUFFORCE = 32;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int IPPROTO_IPV6 = 41;
  public static final int IPV6_V6ONLY = 26;
  public static final int SOL_UDP = 17;
  public static final int UDP_SEGMENT = 103;
  public static final int UDP_GRO = 104;
  public static final int MSG_DONTWAIT = 0x40;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EAGAIN = 11;
  public static final int EINVAL = 22;
  public static final int EMSGSIZE = 90;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLLIN = 1;

  /** struct mmsghdr: a 56-byte msghdr then unsigned msg_len, padded to 64. */
  public static final int MMSGHDR = 64;

  /** struct msghdr fields, then mmsghdr's msg_len. */
  public static final int MSG_NAME = 0;

  public static final int MSG_NAMELEN = 8;
  public static final int MSG_IOV = 16;
  public static final int MSG_IOVLEN = 24;
  public static final int MSG_CONTROL = 32;
  public static final int MSG_CONTROLLEN = 40;
  public static final int MSG_FLAGS = 48;
  public static final int MSG_LEN = 56;

  /** struct sockaddr_in6. */
  public static final int SOCKADDR_IN6 = 28;

  /** struct epoll_event (packed on x86-64: u32 events, u64 data). */
  public static final int EPOLL_EVENT = 12;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout STATE = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET =
      STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

  public static final MethodHandle SOCKET = call("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  public static final MethodHandle SETSOCKOPT =
      call("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  public static final MethodHandle BIND = call("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  public static final MethodHandle GETSOCKNAME =
      call("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  public static final MethodHandle RECVMMSG =
      call("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
  public static final MethodHandle SENDMMSG =
      call("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
  public static final MethodHandle SENDMSG =
      call("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
  public static final MethodHandle POLL = call("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  public static final MethodHandle CLOSE = call("close", JAVA_INT, JAVA_INT);
  public static final MethodHandle EVENTFD = call("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
  public static final MethodHandle WRITE = call("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  public static final MethodHandle READ = call("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  public static final MethodHandle EPOLL_CREATE1 = call("epoll_create1", JAVA_INT, JAVA_INT);
  public static final MethodHandle EPOLL_CTL =
      call("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
  public static final MethodHandle EPOLL_WAIT =
      call("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);

  private SocketCalls() {}

  private static MethodHandle call(String name, MemoryLayout ret, MemoryLayout... args) {
    return LINKER.downcallHandle(
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
        FunctionDescriptor.of(ret, args),
        ERRNO);
  }

  /** A segment for the calls to leave {@code errno} in; one per thread. */
  public static MemorySegment newCallState(Arena arena) {
    return arena.allocate(STATE);
  }

  /** The {@code errno} the last call on {@code state} left. */
  public static int errno(MemorySegment state) {
    return state.get(JAVA_INT, ERRNO_OFFSET);
  }

  /** Writes {@code address:port} as a sockaddr_in6 (IPv4 as ::ffff:a.b.c.d) at {@code sa}. */
  public static void sockaddr(MemorySegment sa, InetAddress address, int port) {
    sa.asSlice(0, SOCKADDR_IN6).fill((byte) 0);
    sa.set(JAVA_SHORT, 0, (short) AF_INET6);
    sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
    sa.set(JAVA_BYTE, 3, (byte) port);
    if (address.isAnyLocalAddress()) {
      return;
    }
    byte[] a = address.getAddress();
    if (address instanceof Inet4Address) {
      sa.set(JAVA_BYTE, 18, (byte) 0xff);
      sa.set(JAVA_BYTE, 19, (byte) 0xff);
      MemorySegment.copy(a, 0, sa, JAVA_BYTE, 20, 4);
    } else {
      MemorySegment.copy(a, 0, sa, JAVA_BYTE, 8, 16);
    }
  }

  /** Closes {@code fd}, ignoring failure (the descriptor is gone either way). */
  public static void close(MemorySegment state, int fd) {
    try {
      int ignored = (int) CLOSE.invokeExact(state, fd);
    } catch (Throwable t) {
      // closing anyway
    }
  }
}
