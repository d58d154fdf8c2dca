package dev.trellis.proto.relay;

/**
 * The frame-type registry: each constant's comment gives its payload layout (keys are 32 raw bytes,
 * integers big-endian, text UTF-8). Codes never change; new types get new codes.
 *
 * <p>Thread-safety: immutable.
 */
public enum FrameType {
  /** relay -> device. {@code version u8 | relay public key (32) | challenge (32)}. */
  SERVER_HELLO(0x01),
  /** device -> relay. {@code node public key (32) | proof (32) | version u8 | info text (rest)}. */
  CLIENT_HELLO(0x02),
  /** relay -> device: accepted. {@code keepalive interval ms u32}. */
  SERVER_INFO(0x03),
  /** device -> relay. {@code destination node key (32) | packet (rest, 0..64 KiB)}. */
  SEND_PACKET(0x04),
  /** relay -> device. {@code source node key (32) | packet (rest, 0..64 KiB)}. */
  RECV_PACKET(0x05),
  /** either way. Empty payload. */
  KEEPALIVE(0x06),
  /** either way. {@code data (8)}; answered with PONG carrying the same data. */
  PING(0x07),
  /** either way. {@code data (8)} copied from the PING. */
  PONG(0x08),
  /** relay -> device. {@code node key (32) | reason u8} (see {@link RelayFrame.PeerGone}). */
  PEER_GONE(0x09),
  /** relay -> device. {@code node key (32)}. */
  PEER_PRESENT(0x0A),
  /** relay -> device. {@code text (rest, 0..1024 bytes)}; empty = healthy. */
  HEALTH(0x0B),
  /**
   * device -> relay: asks for a UDP relay session with a peer. {@code peer node key (32)}. The
   * session exists once both nodes asked for it with each other (see {@link UdpRelayBind}).
   */
  UDP_RELAY_REQUEST(0x0C),
  /**
   * relay -> device: a UDP relay session with a peer. {@code peer node key (32) | session id (8) |
   * side u8 | secret (32) | port u16}: the device binds its UDP address to side {@code side} of the
   * session by sending {@link UdpRelayBind} datagrams to {@code port} of the relay's address.
   */
  UDP_RELAY_SESSION(0x0D),
  /** instance -> instance. {@code source key (32) | destination key (32) | packet (rest)}. */
  MESH_FORWARD(0x20);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  /** The type byte on the wire. */
  public int code() {
    return code;
  }

  /** The type for a type byte, or {@code null} for an unknown (future) type. */
  public static FrameType of(int code) {
    return BY_CODE[code & 0xff];
  }
}
