package dev.trellis.proto.relay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.RelayPublicKey;

/**
 * One relay frame: one record per frame type of {@link FrameType}. Encode with {@link
 * FrameCodec#encode}, decode with {@link FrameCodec#decode} or a {@link FrameDecoder}.
 *
 * <p>Byte arrays (packets, challenge, proof, ping data) are not copied: a frame takes ownership of
 * the arrays it is built with, and the receiver of a decoded frame owns its arrays.
 *
 * <p>Thread-safety: records are immutable as long as nobody mutates the arrays they hold.
 */
public sealed interface RelayFrame {
  /** The frame's type. */
  FrameType type();

  /** relay -> device: the relay's key and a fresh challenge to prove the node key against. */
  record ServerHello(int version, RelayPublicKey relayKey, byte[] challenge) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.SERVER_HELLO;
    }
  }

  /** device -> relay: the node key, the proof of holding it, and a short free-form info text. */
  record ClientHello(NodePublicKey nodeKey, byte[] proof, int version, String info)
      implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.CLIENT_HELLO;
    }
  }

  /**
   * relay -> device: the node is accepted; the relay sends something (KEEPALIVE if nothing else) at
   * least every {@code keepaliveMillis}, so a device that hears nothing for much longer may treat
   * the connection as dead.
   */
  record ServerInfo(long keepaliveMillis) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.SERVER_INFO;
    }
  }

  /** device -> relay: deliver {@code packet} to the node holding {@code destination}. */
  record SendPacket(NodePublicKey destination, byte[] packet) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.SEND_PACKET;
    }
  }

  /** relay -> device: {@code packet} from the node holding {@code source}. */
  record RecvPacket(NodePublicKey source, byte[] packet) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.RECV_PACKET;
    }
  }

  /** Either way: nothing, to keep an idle connection open. */
  record KeepAlive() implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.KEEPALIVE;
    }
  }

  /** Either way: please answer with a PONG carrying {@code data} (8 bytes). */
  record Ping(byte[] data) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PING;
    }
  }

  /** Either way: the answer to a PING, carrying its {@code data} (8 bytes). */
  record Pong(byte[] data) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PONG;
    }
  }

  /** relay -> device: packets to {@code peer} cannot be delivered, for {@code reason}. */
  record PeerGone(NodePublicKey peer, GoneReason reason) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PEER_GONE;
    }
  }

  /** relay -> device: {@code peer} is connected (again). */
  record PeerPresent(NodePublicKey peer) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.PEER_PRESENT;
    }
  }

  /** relay -> device: a problem to show the user, or empty when the problem is gone. */
  record Health(String text) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.HEALTH;
    }
  }

  /** device -> relay: a UDP relay session with {@code peer}, please (both must ask). */
  record UdpRelayRequest(NodePublicKey peer) implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.UDP_RELAY_REQUEST;
    }
  }

  /**
   * relay -> device: the UDP relay session with {@code peer}: send {@link UdpRelayBind} datagrams
   * for {@code sessionId} and {@code side}, keyed by {@code secret} (32 bytes), to UDP {@code port}
   * of the relay's address; then WireGuard and disco datagrams sent there reach the peer.
   */
  record UdpRelaySession(NodePublicKey peer, long sessionId, int side, byte[] secret, int port)
      implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.UDP_RELAY_SESSION;
    }
  }

  /** instance -> instance: deliver {@code packet} from {@code source} to {@code destination}. */
  record MeshForward(NodePublicKey source, NodePublicKey destination, byte[] packet)
      implements RelayFrame {
    @Override
    public FrameType type() {
      return FrameType.MESH_FORWARD;
    }
  }

  /** A frame of a type this version does not know; receivers ignore it. */
  record Unknown(int code, byte[] payload) implements RelayFrame {
    @Override
    public FrameType type() {
      return null;
    }
  }

  /** Why a PEER_GONE was sent; an unknown code decodes as {@link #UNKNOWN}. */
  enum GoneReason {
    /** Reason code 0: not known to this version. */
    UNKNOWN(0),
    /** Reason code 1: the peer disconnected (or never connected to any instance). */
    DISCONNECTED(1),
    /** Reason code 2: the peer is not in the sender's tailnet (or is not a node at all). */
    NOT_ALLOWED(2);

    private final int code;

    GoneReason(int code) {
      this.code = code;
    }

    /** The reason byte on the wire. */
    public int code() {
      return code;
    }

    /** The reason for a reason byte; unknown codes give {@link #UNKNOWN}. */
    public static GoneReason of(int code) {
      for (GoneReason r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      return UNKNOWN;
    }
  }
}
