package dev.trellis.relay.udprelay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.sys.SocketCalls;
import dev.trellis.relay.forward.ConnectedDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * One UDP relay session: its id, its port (socket), and its two sides, each a connected device with
 * its secret, the last bind counter accepted and the address that bind came from.
 *
 * <p>Thread-safety: ids, devices and secrets are immutable; bound addresses are volatile (written
 * by the forwarding thread, read by it and by status readers); counters are confined to the
 * forwarding thread; {@code lastActive} is volatile.
 */
final class UdpSession {
  /** One side of a session. */
  static final class Side {
    final ConnectedDevice device;
    final byte[] secret;
    volatile InetSocketAddress bound;
    long lastCounter; // forwarding thread only
    boolean everBound; // forwarding thread only
    // the bound address as a sockaddr_in6 (to send to) and as two longs and a port (to compare a
    // received source with, without allocating): forwarding thread only
    final MemorySegment name = Arena.ofAuto().allocate(SocketCalls.SOCKADDR_IN6, 8);
    private long hi;
    private long lo;
    private short port;

    Side(ConnectedDevice device, byte[] secret) {
      this.device = device;
      this.secret = secret;
    }

    /** Whether the sockaddr_in6 at {@code names[at]} is this side's bound address. */
    boolean is(MemorySegment names, long at) {
      return everBound
          && names.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8) == hi
          && names.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16) == lo
          && names.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2) == port;
    }

    /** Binds this side to the sockaddr_in6 at {@code names[at]}; true if the address changed. */
    boolean bindTo(MemorySegment names, long at) {
      boolean same = is(names, at);
      MemorySegment.copy(names, at, name, 0, SocketCalls.SOCKADDR_IN6);
      name.set(ValueLayout.JAVA_INT, 4, 0); // flow info
      hi = names.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8);
      lo = names.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16);
      port = names.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2);
      everBound = true;
      byte[] a = new byte[16];
      MemorySegment.copy(names, ValueLayout.JAVA_BYTE, at + 8, a, 0, 16);
      try {
        bound =
            new InetSocketAddress(
                InetAddress.getByAddress(a),
                (names.get(ValueLayout.JAVA_BYTE, at + 2) & 0xff) << 8
                    | (names.get(ValueLayout.JAVA_BYTE, at + 3) & 0xff));
      } catch (UnknownHostException e) {
        bound = null;
      }
      return !same;
    }
  }

  final long id;
  final int port;
  final int fd;
  final Side[] sides;
  volatile long lastActive;

  UdpSession(long id, int fd, int port, Side a, Side b, long now) {
    this.id = id;
    this.fd = fd;
    this.port = port;
    this.sides = new Side[] {a, b};
    this.lastActive = now;
  }

  /** The side {@code device} holds (by identity), or -1. */
  int sideOf(ConnectedDevice device) {
    return sides[0].device == device ? 0 : sides[1].device == device ? 1 : -1;
  }

  /** Whether {@code key} is one of the sides' node keys. */
  boolean involves(NodePublicKey key) {
    return sides[0].device.key().equals(key) || sides[1].device.key().equals(key);
  }

  /** The frame telling side {@code side} about this session. */
  RelayFrame.UdpRelaySession frameFor(int side) {
    return new RelayFrame.UdpRelaySession(
        sides[1 - side].device.key(), id, side, sides[side].secret.clone(), port);
  }

  @Override
  public String toString() {
    return "UdpSession[" + Long.toHexString(id) + ", port " + port + "]";
  }
}
