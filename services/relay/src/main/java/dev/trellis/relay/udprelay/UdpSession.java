package dev.trellis.relay.udprelay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.relay.forward.ConnectedDevice;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * One UDP relay session: its id, its port (channel), and its two sides, each a connected device
 * with its secret, the last bind counter accepted and the address that bind came from.
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

    Side(ConnectedDevice device, byte[] secret) {
      this.device = device;
      this.secret = secret;
    }
  }

  final long id;
  final int port;
  final DatagramChannel channel;
  final Side[] sides;
  volatile long lastActive;

  UdpSession(long id, DatagramChannel channel, int port, Side a, Side b, long now) {
    this.id = id;
    this.channel = channel;
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
