package dev.trellis.relay.server;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.FrameDecoder;
import dev.trellis.proto.relay.FrameException;
import dev.trellis.proto.relay.FrameType;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.NodeKeyProof;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.relay.auth.Authorization;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.OutboundQueue;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import java.util.Arrays;

/**
 * One device connection after the HTTP upgrade: sends SERVER_HELLO with a fresh challenge, checks
 * CLIENT_HELLO's node-key proof and the key registry's verdict, then relays its packets. Anything
 * else is refused and counted: no proof in time ({@code handshake_timeout}), frames before the
 * proof ({@code unauthenticated}), a wrong proof ({@code bad_proof}), a node the registry refuses
 * (its reason), frames claiming another source ({@code spoofed_source}), malformed or oversize
 * frames. A refused device gets a HEALTH frame with the reason, then the connection closes. Its
 * UDP_RELAY_REQUESTs go to the UDP relay, whose sessions with this connection end when it closes.
 *
 * <p>Thread-safety: confined to the socket's event loop, except {@link #close} (any thread).
 */
final class DeviceSession {
  private enum State {
    AWAIT_HELLO,
    AUTHORIZING,
    OPEN,
    CLOSED
  }

  private final NetSocket socket;
  private final Context context;
  private final Sessions s;
  private final FrameDecoder decoder = new FrameDecoder();
  private final byte[] challenge = NodeKeyProof.newChallenge();
  private final OutboundQueue queue;
  private State state = State.AWAIT_HELLO;
  private ConnectedDevice client;
  private long handshakeTimer = -1;
  // the destination of the last packet forwarded, reused while it repeats (most traffic is a flow)
  private final byte[] lastDestinationBytes = new byte[Frames.KEY_BYTES];
  private NodePublicKey lastDestination;
  volatile long lastSent;

  private final Runnable onGone;

  DeviceSession(NetSocket socket, Context context, Sessions sessions, Runnable onGone) {
    this.onGone = onGone;
    this.socket = socket;
    this.context = context;
    this.s = sessions;
    this.queue =
        new OutboundQueue(
            new OutboundQueue.Sink() {
              @Override
              public boolean writable() {
                return !socket.writeQueueFull();
              }

              @Override
              public void write(Buffer frames) {
                lastSent = System.currentTimeMillis();
                socket.write(frames);
              }

              @Override
              public void execute(Runnable task) {
                context.runOnContext(v -> task.run());
              }
            },
            sessions.options().queueLimits().perSourceBytes(),
            sessions.queueBudget());
  }

  void start() {
    socket.setWriteQueueMaxSize(256 * 1024);
    socket.handler(this::onData);
    socket.drainHandler(v -> queue.drain());
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> socket.close());
    write(new RelayFrame.ServerHello(Frames.VERSION, s.relayKey().publicKey(), challenge));
    handshakeTimer =
        context
            .owner()
            .setTimer(
                s.options().handshakeTimeout().toMillis(),
                id -> {
                  if (state == State.AWAIT_HELLO) {
                    refuse("handshake_timeout", "no node-key proof in time");
                  }
                });
  }

  /** The authenticated client, or null before authorization. */
  ConnectedDevice client() {
    return client;
  }

  /** Closes the connection from any thread, telling the device why. */
  void close(String reason) {
    context.runOnContext(v -> refuseQuietly(reason));
  }

  /** Sends a KEEPALIVE if nothing was sent for {@code idleMillis}. */
  void keepalive(long now, long idleMillis) {
    if (state == State.OPEN && now - lastSent >= idleMillis) {
      queue.offer(this, Buffer.buffer(FrameCodec.encode(new RelayFrame.KeepAlive())));
    }
  }

  private void onData(Buffer buf) {
    if (state == State.CLOSED) {
      return;
    }
    // Vert.x hands each read to the handler in a heap buffer of its own (BufferInternal's
    // safeBuffer), so its array may be read in place (frames are copied out before they wait)
    ByteBuf b = ((BufferInternal) buf).getByteBuf();
    byte[] bytes;
    int off;
    if (b.hasArray()) {
      bytes = b.array();
      off = b.arrayOffset() + b.readerIndex();
    } else {
      bytes = buf.getBytes();
      off = 0;
    }
    try {
      decoder.feed(bytes, off, b.readableBytes(), this::onRaw, this::onFrame);
    } catch (FrameException e) {
      String reason = e.reason() == FrameException.Reason.TOO_LARGE ? "oversize" : "malformed";
      s.metrics().dropped(reason);
      refuse(reason, e.getMessage());
    }
  }

  /** The fast path: an open session's SEND_PACKET is forwarded without being decoded. */
  private boolean onRaw(int type, byte[] data, int start, int length) {
    if (state != State.OPEN || type != FrameType.SEND_PACKET.code() || length < Frames.KEY_BYTES) {
      return false; // decoded, and refused or handled as any other frame
    }
    int key = start + Frames.HEADER_BYTES;
    if (lastDestination == null
        || !Arrays.equals(
            data, key, key + Frames.KEY_BYTES, lastDestinationBytes, 0, Frames.KEY_BYTES)) {
      System.arraycopy(data, key, lastDestinationBytes, 0, Frames.KEY_BYTES);
      lastDestination = NodePublicKey.fromBytes(lastDestinationBytes);
    }
    s.forwarder().fromDeviceFrame(client, lastDestination, data, start, length);
    return true;
  }

  private void onFrame(RelayFrame frame) {
    switch (state) {
      case AWAIT_HELLO -> onHello(frame);
      case AUTHORIZING -> s.metrics().dropped("unauthenticated");
      case OPEN -> onOpenFrame(frame);
      case CLOSED -> {}
    }
  }

  private void onHello(RelayFrame frame) {
    if (!(frame instanceof RelayFrame.ClientHello hello)) {
      s.metrics().dropped("unauthenticated");
      refuse("unauthenticated", "the first frame must be CLIENT_HELLO");
      return;
    }
    if (!NodeKeyProof.verify(s.relayKey(), hello.nodeKey(), challenge, hello.proof())) {
      refuse("bad_proof", "the node-key proof is wrong");
      return;
    }
    state = State.AUTHORIZING;
    context.owner().cancelTimer(handshakeTimer);
    s.authorizer()
        .check(hello.nodeKey())
        .onComplete(
            ar -> {
              if (state == State.CLOSED) {
                return;
              }
              if (ar.failed()) {
                refuse("registry_unavailable", "the key registry could not be read; retry");
                return;
              }
              Authorization a = ar.result();
              if (!a.isAllowed()) {
                refuse(a.refusal(), "this node may not use the relay: " + a.refusal());
                return;
              }
              client = new ConnectedDevice(hello.nodeKey(), a, queue, this::close);
              state = State.OPEN;
              // Registered before the device hears it is accepted, so its peers can reach it as
              // soon as it can reach them.
              s.forwarder().register(client);
              write(new RelayFrame.ServerInfo(s.options().keepalive().toMillis()));
            });
  }

  private void onOpenFrame(RelayFrame frame) {
    switch (frame) {
      case RelayFrame.SendPacket p -> s.forwarder().fromDevice(client, p.destination(), p.packet());
      case RelayFrame.Ping p ->
          queue.offer(this, Buffer.buffer(FrameCodec.encode(new RelayFrame.Pong(p.data()))));
      case RelayFrame.UdpRelayRequest r -> {
        if (s.udpRelay() != null) {
          s.udpRelay().request(client, r.peer());
        }
      }
      case RelayFrame.Pong p -> {}
      case RelayFrame.KeepAlive k -> {}
      case RelayFrame.Unknown u -> {}
      case RelayFrame.RecvPacket r -> spoofed();
      case RelayFrame.MeshForward m -> spoofed();
      default -> s.metrics().dropped("unexpected_frame");
    }
  }

  /** The connection is gone: so are its UDP relay requests and sessions. */
  private void udpGone() {
    if (s.udpRelay() != null) {
      s.udpRelay().gone(client);
    }
  }

  private void spoofed() {
    s.metrics().dropped("spoofed_source");
    refuse("spoofed_source", "a device may only send SEND_PACKET; its source is its own key");
  }

  private void refuse(String reason, String text) {
    if (state == State.CLOSED) {
      return;
    }
    s.metrics().refused(reason);
    refuseQuietly(text);
  }

  private void refuseQuietly(String text) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasOpen = state == State.OPEN;
    state = State.CLOSED;
    queue.close();
    try {
      socket.write(Buffer.buffer(FrameCodec.encode(new RelayFrame.Health(truncate(text)))));
    } catch (RuntimeException ignored) {
      // the socket may already be closed
    }
    socket.close();
    if (wasOpen && client != null) {
      s.forwarder().unregister(client);
      udpGone();
    }
  }

  private void onClosed() {
    onGone.run();
    if (state == State.OPEN && client != null) {
      s.forwarder().unregister(client);
      udpGone();
    }
    state = State.CLOSED;
    queue.close();
    context.owner().cancelTimer(handshakeTimer);
  }

  private void write(RelayFrame frame) {
    lastSent = System.currentTimeMillis();
    socket.write(Buffer.buffer(FrameCodec.encode(frame)));
  }

  private static String truncate(String text) {
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}
