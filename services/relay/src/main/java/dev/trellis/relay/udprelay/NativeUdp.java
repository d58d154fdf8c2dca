package dev.trellis.relay.udprelay;

import static dev.trellis.proto.sys.SocketCalls.AF_INET6;
import static dev.trellis.proto.sys.SocketCalls.BIND;
import static dev.trellis.proto.sys.SocketCalls.GETSOCKNAME;
import static dev.trellis.proto.sys.SocketCalls.IPPROTO_IPV6;
import static dev.trellis.proto.sys.SocketCalls.IPV6_V6ONLY;
import static dev.trellis.proto.sys.SocketCalls.SETSOCKOPT;
import static dev.trellis.proto.sys.SocketCalls.SOCKADDR_IN6;
import static dev.trellis.proto.sys.SocketCalls.SOCKET;
import static dev.trellis.proto.sys.SocketCalls.SOCK_CLOEXEC;
import static dev.trellis.proto.sys.SocketCalls.SOCK_DGRAM;
import static dev.trellis.proto.sys.SocketCalls.SOCK_NONBLOCK;
import static dev.trellis.proto.sys.SocketCalls.SOL_SOCKET;
import static dev.trellis.proto.sys.SocketCalls.SOL_UDP;
import static dev.trellis.proto.sys.SocketCalls.SO_RCVBUF;
import static dev.trellis.proto.sys.SocketCalls.SO_SNDBUF;
import static dev.trellis.proto.sys.SocketCalls.UDP_GRO;
import static dev.trellis.proto.sys.SocketCalls.close;
import static dev.trellis.proto.sys.SocketCalls.errno;
import static dev.trellis.proto.sys.SocketCalls.sockaddr;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * The UDP relay's sockets (x86-64 and arm64 Linux): dual-stack, non-blocking, with UDP GRO (the
 * kernel hands over a burst of equal-sized datagrams from one source as one super-datagram and says
 * the segment size) and 4 MB buffers; the calls themselves, with GSO, {@code epoll} and {@code
 * eventfd}, are shared-proto's {@link dev.trellis.proto.sys.SocketCalls}. This is what lets a
 * relayed flow of full-sized WireGuard datagrams cost one receive and one send per burst rather
 * than per datagram.
 *
 * <p>Thread-safety: stateless; each thread passes its own call-state segment.
 */
final class NativeUdp {
  private NativeUdp() {}

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

  private static void setInt(Arena a, MemorySegment st, int fd, int level, int opt, int v)
      throws Throwable {
    MemorySegment val = a.allocate(JAVA_INT);
    val.set(JAVA_INT, 0, v);
    int ignored = (int) SETSOCKOPT.invokeExact(st, fd, level, opt, val, 4);
  }
}
