package dev.trellis.relay.server;

import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.FrameDecoder;
import dev.trellis.proto.relay.FrameException;
import dev.trellis.proto.relay.RelayFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * An incoming link from another relay instance (already authenticated by its service credential at
 * the upgrade): delivers its MESH_FORWARD frames to devices connected here and answers PINGs. A
 * malformed stream closes the link.
 *
 * <p>Thread-safety: confined to the socket's event loop.
 */
final class MeshSession {
  private final NetSocket socket;
  private final Sessions s;
  private final FrameDecoder decoder = new FrameDecoder();

  MeshSession(NetSocket socket, Sessions sessions) {
    this.socket = socket;
    this.s = sessions;
  }

  void start() {
    socket.handler(this::onData);
    socket.exceptionHandler(e -> socket.close());
  }

  private void onData(Buffer buf) {
    byte[] bytes = buf.getBytes();
    try {
      decoder.feed(bytes, 0, bytes.length, this::onFrame);
    } catch (FrameException e) {
      s.metrics().dropped("mesh_malformed");
      socket.close();
    }
  }

  private void onFrame(RelayFrame frame) {
    switch (frame) {
      case RelayFrame.MeshForward f ->
          s.forwarder().fromMesh(f.source(), f.source().toBytes(), f.destination(), f.packet());
      case RelayFrame.Ping p ->
          socket.write(Buffer.buffer(FrameCodec.encode(new RelayFrame.Pong(p.data()))));
      default -> {}
    }
  }
}
