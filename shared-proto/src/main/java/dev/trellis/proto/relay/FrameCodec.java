package dev.trellis.proto.relay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.RelayPublicKey;
import dev.trellis.proto.relay.FrameException.Reason;
import dev.trellis.proto.relay.RelayFrame.ClientHello;
import dev.trellis.proto.relay.RelayFrame.GoneReason;
import dev.trellis.proto.relay.RelayFrame.Health;
import dev.trellis.proto.relay.RelayFrame.KeepAlive;
import dev.trellis.proto.relay.RelayFrame.MeshForward;
import dev.trellis.proto.relay.RelayFrame.PeerGone;
import dev.trellis.proto.relay.RelayFrame.PeerPresent;
import dev.trellis.proto.relay.RelayFrame.Ping;
import dev.trellis.proto.relay.RelayFrame.Pong;
import dev.trellis.proto.relay.RelayFrame.RecvPacket;
import dev.trellis.proto.relay.RelayFrame.SendPacket;
import dev.trellis.proto.relay.RelayFrame.ServerHello;
import dev.trellis.proto.relay.RelayFrame.ServerInfo;
import dev.trellis.proto.relay.RelayFrame.UdpRelayRequest;
import dev.trellis.proto.relay.RelayFrame.UdpRelaySession;
import dev.trellis.proto.relay.RelayFrame.Unknown;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes relay frames to bytes (header included) and decodes one frame's payload by its type. For
 * a byte stream use {@link FrameDecoder} (push) or {@link #read(InputStream)} (blocking pull).
 *
 * <p>Thread-safety: stateless.
 */
public final class FrameCodec {
  private FrameCodec() {}

  /** The whole frame: type byte, u32 length, payload. Refuses values the decoder would refuse. */
  public static byte[] encode(RelayFrame frame) {
    return switch (frame) {
      case ServerHello h -> {
        require(h.challenge().length == Frames.CHALLENGE_BYTES, "challenge must be 32 bytes");
        yield frame(
            FrameType.SERVER_HELLO,
            new byte[] {(byte) h.version()},
            h.relayKey().toBytes(),
            h.challenge());
      }
      case ClientHello h -> {
        require(h.proof().length == Frames.PROOF_BYTES, "proof must be 32 bytes");
        yield frame(
            FrameType.CLIENT_HELLO,
            h.nodeKey().toBytes(),
            h.proof(),
            new byte[] {(byte) h.version()},
            text(h.info()));
      }
      case ServerInfo i -> {
        require(
            i.keepaliveMillis() >= 0 && i.keepaliveMillis() <= 0xffffffffL,
            "keepalive must fit in u32");
        yield frame(
            FrameType.SERVER_INFO,
            ByteBuffer.allocate(4).putInt((int) i.keepaliveMillis()).array());
      }
      case SendPacket p ->
          frame(FrameType.SEND_PACKET, p.destination().toBytes(), packet(p.packet()));
      case RecvPacket p -> frame(FrameType.RECV_PACKET, p.source().toBytes(), packet(p.packet()));
      case KeepAlive k -> frame(FrameType.KEEPALIVE);
      case Ping p -> frame(FrameType.PING, pingData(p.data()));
      case Pong p -> frame(FrameType.PONG, pingData(p.data()));
      case PeerGone g ->
          frame(FrameType.PEER_GONE, g.peer().toBytes(), new byte[] {(byte) g.reason().code()});
      case PeerPresent p -> frame(FrameType.PEER_PRESENT, p.peer().toBytes());
      case Health h -> frame(FrameType.HEALTH, text(h.text()));
      case MeshForward f ->
          frame(
              FrameType.MESH_FORWARD,
              f.source().toBytes(),
              f.destination().toBytes(),
              packet(f.packet()));
      case UdpRelayRequest r -> frame(FrameType.UDP_RELAY_REQUEST, r.peer().toBytes());
      case UdpRelaySession u -> {
        require(u.secret().length == UdpRelayBind.SECRET_BYTES, "secret must be 32 bytes");
        require(u.side() == 0 || u.side() == 1, "side must be 0 or 1");
        require(u.port() > 0 && u.port() <= 0xffff, "port must be 1..65535");
        yield frame(
            FrameType.UDP_RELAY_SESSION,
            u.peer().toBytes(),
            ByteBuffer.allocate(8).putLong(u.sessionId()).array(),
            new byte[] {(byte) u.side()},
            u.secret(),
            new byte[] {(byte) (u.port() >>> 8), (byte) u.port()});
      }
      case Unknown u -> {
        require(
            FrameType.of(u.code()) == null && u.code() >= 0 && u.code() < 256,
            "unknown frame code must be a free byte");
        require(u.payload().length <= Frames.MAX_PAYLOAD_BYTES, "payload too large");
        yield withHeader(u.code(), u.payload());
      }
    };
  }

  /**
   * The frame of type byte {@code code} with the given payload. Unknown codes give {@link Unknown};
   * a known type with a payload of the wrong shape throws {@link FrameException} (MALFORMED).
   */
  public static RelayFrame decode(int code, byte[] payload) throws FrameException {
    if (payload.length > Frames.MAX_PAYLOAD_BYTES) {
      throw new FrameException(
          Reason.TOO_LARGE,
          "frame payload of " + payload.length + " bytes exceeds " + Frames.MAX_PAYLOAD_BYTES);
    }
    FrameType type = FrameType.of(code);
    if (type == null) {
      return new Unknown(code & 0xff, payload);
    }
    int n = payload.length;
    return switch (type) {
      case SERVER_HELLO -> {
        exact(type, n, 1 + 2 * Frames.KEY_BYTES);
        yield new ServerHello(
            payload[0] & 0xff,
            RelayPublicKey.fromBytes(Arrays.copyOfRange(payload, 1, 33)),
            Arrays.copyOfRange(payload, 33, 65));
      }
      case CLIENT_HELLO -> {
        atLeast(type, n, 2 * Frames.KEY_BYTES + 1);
        yield new ClientHello(
            key(payload, 0),
            Arrays.copyOfRange(payload, 32, 64),
            payload[64] & 0xff,
            utf8(type, payload, 65));
      }
      case SERVER_INFO -> {
        exact(type, n, 4);
        yield new ServerInfo(ByteBuffer.wrap(payload).getInt() & 0xffffffffL);
      }
      case SEND_PACKET -> {
        atLeast(type, n, Frames.KEY_BYTES);
        yield new SendPacket(key(payload, 0), Arrays.copyOfRange(payload, 32, n));
      }
      case RECV_PACKET -> {
        atLeast(type, n, Frames.KEY_BYTES);
        yield new RecvPacket(key(payload, 0), Arrays.copyOfRange(payload, 32, n));
      }
      case KEEPALIVE -> {
        exact(type, n, 0);
        yield new KeepAlive();
      }
      case PING -> {
        exact(type, n, Frames.PING_BYTES);
        yield new Ping(payload);
      }
      case PONG -> {
        exact(type, n, Frames.PING_BYTES);
        yield new Pong(payload);
      }
      case PEER_GONE -> {
        exact(type, n, Frames.KEY_BYTES + 1);
        yield new PeerGone(key(payload, 0), GoneReason.of(payload[32] & 0xff));
      }
      case PEER_PRESENT -> {
        exact(type, n, Frames.KEY_BYTES);
        yield new PeerPresent(key(payload, 0));
      }
      case HEALTH -> new Health(utf8(type, payload, 0));
      case UDP_RELAY_REQUEST -> {
        exact(type, n, Frames.KEY_BYTES);
        yield new UdpRelayRequest(key(payload, 0));
      }
      case UDP_RELAY_SESSION -> {
        exact(type, n, Frames.KEY_BYTES + 8 + 1 + UdpRelayBind.SECRET_BYTES + 2);
        int side = payload[40] & 0xff;
        int port = ((payload[73] & 0xff) << 8) | (payload[74] & 0xff);
        if (side > 1 || port == 0) {
          throw new FrameException(
              Reason.MALFORMED, type + " side must be 0 or 1 and port 1..65535");
        }
        yield new UdpRelaySession(
            key(payload, 0),
            ByteBuffer.wrap(payload, 32, 8).getLong(),
            side,
            Arrays.copyOfRange(payload, 41, 73),
            port);
      }
      case MESH_FORWARD -> {
        atLeast(type, n, 2 * Frames.KEY_BYTES);
        yield new MeshForward(
            key(payload, 0), key(payload, 32), Arrays.copyOfRange(payload, 64, n));
      }
    };
  }

  /**
   * Reads one frame from a blocking stream; {@code null} at a clean end of stream (between frames).
   * An end of stream inside a frame throws {@link EOFException}.
   */
  public static RelayFrame read(InputStream in) throws IOException, FrameException {
    int code = in.read();
    if (code < 0) {
      return null;
    }
    byte[] len = in.readNBytes(4);
    if (len.length < 4) {
      throw new EOFException("end of stream inside a relay frame header");
    }
    long length = ByteBuffer.wrap(len).getInt() & 0xffffffffL;
    checkLength(length);
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("end of stream inside a relay frame payload");
    }
    return decode(code, payload);
  }

  static void checkLength(long length) throws FrameException {
    if (length > Frames.MAX_PAYLOAD_BYTES) {
      throw new FrameException(
          Reason.TOO_LARGE, "frame length " + length + " exceeds " + Frames.MAX_PAYLOAD_BYTES);
    }
  }

  private static NodePublicKey key(byte[] payload, int at) {
    return NodePublicKey.fromBytes(Arrays.copyOfRange(payload, at, at + Frames.KEY_BYTES));
  }

  private static void exact(FrameType type, int n, int want) throws FrameException {
    if (n != want) {
      throw new FrameException(
          Reason.MALFORMED, type + " payload must be " + want + " bytes, got " + n);
    }
  }

  private static void atLeast(FrameType type, int n, int want) throws FrameException {
    if (n < want) {
      throw new FrameException(
          Reason.MALFORMED, type + " payload must be at least " + want + " bytes, got " + n);
    }
  }

  private static String utf8(FrameType type, byte[] payload, int from) throws FrameException {
    int n = payload.length - from;
    if (n > Frames.MAX_TEXT_BYTES) {
      throw new FrameException(
          Reason.MALFORMED, type + " text of " + n + " bytes exceeds " + Frames.MAX_TEXT_BYTES);
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload, from, n));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new FrameException(Reason.MALFORMED, type + " text is not valid UTF-8");
    }
  }

  private static byte[] text(String s) {
    byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    require(b.length <= Frames.MAX_TEXT_BYTES, "text exceeds " + Frames.MAX_TEXT_BYTES + " bytes");
    return b;
  }

  private static byte[] packet(byte[] p) {
    require(
        p.length <= Frames.MAX_PACKET_BYTES,
        "packet of " + p.length + " bytes exceeds " + Frames.MAX_PACKET_BYTES);
    return p;
  }

  private static byte[] pingData(byte[] d) {
    require(d.length == Frames.PING_BYTES, "ping data must be 8 bytes");
    return d;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static byte[] frame(FrameType type, byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[Frames.HEADER_BYTES + n];
    out[0] = (byte) type.code();
    ByteBuffer.wrap(out, 1, 4).putInt(n);
    int at = Frames.HEADER_BYTES;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] withHeader(int code, byte[] payload) {
    byte[] out = new byte[Frames.HEADER_BYTES + payload.length];
    out[0] = (byte) code;
    ByteBuffer.wrap(out, 1, 4).putInt(payload.length);
    System.arraycopy(payload, 0, out, Frames.HEADER_BYTES, payload.length);
    return out;
  }
}
