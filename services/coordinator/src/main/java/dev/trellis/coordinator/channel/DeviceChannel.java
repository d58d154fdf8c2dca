package dev.trellis.coordinator.channel;

import dev.trellis.proto.channel.ChannelException;
import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePublicKey;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's WebSocket: the first binary message is the Noise handshake, every later one an
 * encrypted record carrying a ClientMessage, handed to the {@link ChannelHandler}. Anything
 * malformed, oversized, undecryptable or out of protocol closes this channel only (counted), never
 * another. Sending seals and writes under one lock, so records leave in counter order whichever
 * thread sends.
 *
 * <p>A device must complete the Noise handshake within {@code handshakeTimeout} of the upgrade, or
 * the channel closes (counted as {@code handshake_timeout}): a WebSocket that never speaks holds
 * nothing for long. A channel without a map stream that receives nothing for {@code idleTimeout}
 * closes too ({@code idle}); a channel with a stream may stay silent (the coordinator's keepalives
 * and TCP find dead ones).
 *
 * <p>A router's channel is watched more closely ({@link #watchLiveness}): WebSocket pings at a
 * short interval, and a channel from which nothing (not even a pong) arrived for the timeout is
 * declared dead ({@code unresponsive}) at once, so a router whose host froze or lost its network
 * hands its routes over in seconds, not after TCP gives up. Healthy agents answer pings without
 * their own code running (the WebSocket layer does).
 *
 * <p>Slow devices: the bytes handed to the WebSocket and not yet written to the socket are counted;
 * a record that would take them past {@code maxPendingBytes} is not queued, and the channel is
 * dropped instead (counted): a device that does not read cannot make the coordinator buffer without
 * bound. The device reconnects and resumes its stream (buffered deltas or a new full).
 *
 * <p>Thread-safety: inbound callbacks run on the WebSocket's context; {@link #send} may be called
 * from any thread.
 */
public final class DeviceChannel {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceChannel.class);

  /** What happens with a device's messages once the channel is up. */
  public interface ChannelHandler {
    /** A record from the device. */
    void message(DeviceChannel channel, ClientMessage message);

    /** The channel closed (for any reason); called once. */
    void closed(DeviceChannel channel);
  }

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final Duration handshakeTimeout;
  private final Duration idleTimeout;
  private long handshakeTimer = -1;
  private volatile long idleTimer = -1;
  private final HandshakeResponder responder;
  private final ChannelHandler handler;
  private final ChannelMetrics metrics;
  private final String baseUrl;
  private final String sourceIp;
  private volatile HandshakeResult session;
  private volatile boolean closing;
  private volatile String closedBy;
  private volatile String ioError;
  private volatile boolean released;
  private volatile String streamToken;
  private final long maxPendingBytes;
  private final java.util.concurrent.atomic.AtomicLong pending =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastHeardNanos = System.nanoTime();
  private final java.util.concurrent.atomic.AtomicBoolean watched =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean told =
      new java.util.concurrent.atomic.AtomicBoolean();

  DeviceChannel(
      Vertx vertx,
      ServerWebSocket ws,
      HandshakeResponder responder,
      ChannelHandler handler,
      ChannelMetrics metrics,
      String baseUrl,
      String sourceIp,
      long maxPendingBytes,
      Duration handshakeTimeout,
      Duration idleTimeout) {
    this.vertx = vertx;
    this.idleTimeout = idleTimeout;
    this.handshakeTimeout = handshakeTimeout;
    this.ws = ws;
    this.maxPendingBytes = maxPendingBytes;
    this.responder = responder;
    this.handler = handler;
    this.metrics = metrics;
    this.baseUrl = baseUrl;
    this.sourceIp = sourceIp;
  }

  void start() {
    metrics.opened();
    handshakeTimer =
        vertx.setTimer(
            Math.max(1, handshakeTimeout.toMillis()),
            id -> {
              if (session == null && !closing) {
                closedBy = ChannelMetrics.CLOSED_HANDSHAKE_TIMEOUT;
                closing = true;
                ws.close((short) 1008, "no handshake in time");
              }
            });
    ws.binaryMessageHandler(this::onBinary);
    ws.pongHandler(b -> lastHeardNanos = System.nanoTime());
    ws.textMessageHandler(
        t -> {
          metrics.protocolViolation();
          close((short) 1003, "binary records only");
        });
    ws.exceptionHandler(
        e -> {
          String kind = e.getClass().getSimpleName();
          if (kind.contains("Frame")) { // Netty's corrupted or too long WebSocket frame
            metrics.protocolViolation();
            close((short) 1009, "bad frame");
          } else {
            ioError = kind + ": " + e.getMessage();
            LOG.debug("Channel from {}: {}", sourceIp, ioError);
          }
        });
    ws.closeHandler(
        v -> {
          vertx.cancelTimer(handshakeTimer);
          vertx.cancelTimer(idleTimer);
          String reason = closeReason();
          metrics.closed(reason);
          // Whatever this channel still had queued no longer counts against new streams.
          released = true;
          metrics.unwritten(-pending.get());
          if (reason.equals("protocol") || reason.equals(ChannelMetrics.CLOSED_HANDSHAKE_TIMEOUT)) {
            // What a client did (garbage, silence): counted, and a WARN at most per interval.
            metrics
                .badInput()
                .warn("channel_" + reason, "Channel from {} closed ({})", sourceIp, reason);
          } else if (!reason.equals(ChannelMetrics.CLOSED_BY_DEVICE)
              && !reason.equals(ChannelMetrics.CLOSED_ENDED)) {
            // Counted in channels_closed_total; one line each would be noise at scale.
            LOG.debug(
                "Channel from {} closed ({}){}",
                sourceIp,
                reason,
                ioError == null ? "" : ": " + ioError);
          }
          closing = true;
          tellClosed();
        });
  }

  /** Tells the handler the channel is gone, once (a dead channel is told before it closes). */
  private void tellClosed() {
    if (session != null && told.compareAndSet(false, true)) {
      handler.closed(this);
    }
  }

  /**
   * Pings the device every {@code interval} and declares the channel dead once nothing (a record or
   * a pong) has arrived for {@code timeout}: the handler is told at once, without waiting for the
   * WebSocket close to complete (a frozen peer never answers it). Idempotent; from any thread.
   */
  public void watchLiveness(Duration interval, Duration timeout) {
    if (!watched.compareAndSet(false, true)) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    vertx.setPeriodic(
        Math.max(1, interval.toMillis()),
        id -> {
          if (closing) {
            vertx.cancelTimer(id);
          } else if (System.nanoTime() - lastHeardNanos > timeout.toNanos()) {
            vertx.cancelTimer(id);
            closedBy = ChannelMetrics.CLOSED_UNRESPONSIVE;
            closing = true;
            ws.close((short) 1001, "unresponsive");
            tellClosed();
          } else {
            ws.writePing(Buffer.buffer(new byte[0]));
          }
        });
  }

  private void onBinary(Buffer buffer) {
    if (closing) {
      return;
    }
    lastHeardNanos = System.nanoTime();
    byte[] bytes = buffer.getBytes();
    try {
      if (session == null) {
        HandshakeResult r = responder.respond(bytes, CapabilityVersion.CURRENT);
        session = r;
        vertx.cancelTimer(handshakeTimer);
        armIdle();
        ws.writeBinaryMessage(Buffer.buffer(r.reply()));
        return;
      }
      ClientMessage m = RecordCodec.openClientMessage(session.cipher(), bytes);
      if (m.getKindCase() == ClientMessage.KindCase.KIND_NOT_SET) {
        metrics.protocolViolation();
        close((short) 1008, "empty message");
        return;
      }
      armIdle();
      handler.message(this, m);
    } catch (ChannelException e) {
      metrics.refused(e.reason());
      LOG.debug("Channel from {} refused: {}", sourceIp, e.getMessage());
      close((short) 1008, e.reason().name());
    }
  }

  /** (Re)starts the deadline of a silent channel without a map stream. */
  private void armIdle() {
    vertx.cancelTimer(idleTimer);
    if (streamToken != null || closing) {
      return;
    }
    idleTimer =
        vertx.setTimer(
            Math.max(1, idleTimeout.toMillis()),
            id -> {
              if (streamToken == null && !closing) {
                closedBy = ChannelMetrics.CLOSED_IDLE;
                closing = true;
                ws.close((short) 1000, "idle");
              }
            });
  }

  /** Seals and sends {@code m}; closes the channel if it cannot. */
  public void send(ServerMessage m) {
    send(m, null, NO_BYTES, true);
  }

  /**
   * Seals and sends a map frame that {@link #fitsOneRecord} serialized as {@code body} followed by
   * {@code tail}, sealing the two parts without joining them: the fan-out of a change to thousands
   * of devices shares one {@code body} between them.
   */
  public void sendMap(byte[] body, byte[] tail) {
    send(null, body, tail, true);
  }

  private static final byte[] NO_BYTES = new byte[0];

  /** Whether a map frame of {@code length} serialized bytes goes out whole (else in parts). */
  public static boolean fitsOneRecord(int length) {
    return length <= NetmapParts.PART_BYTES;
  }

  /**
   * Seals and sends {@code m}, or, when {@code m} is null, a ServerMessage carrying the map frame
   * serialized as {@code encodedMap} then {@code tail}. {@code bounded}: drop the channel instead
   * if the backlog would pass {@code maxPendingBytes}.
   */
  private void send(ServerMessage m, byte[] encodedMap, byte[] tail, boolean bounded) {
    if (closing) {
      return;
    }
    synchronized (this) {
      if (closing) {
        return;
      }
      try {
        byte[] record =
            m != null
                ? RecordCodec.seal(session.cipher(), m)
                : RecordCodec.sealMap(session.cipher(), encodedMap, tail);
        long size = record.length;
        // A record larger than the bound (a full netmap of thousands of peers) still goes out
        // when nothing is waiting; the bound is on a backlog, not on one record.
        if (bounded && pending.get() > 0 && pending.get() + size > maxPendingBytes) {
          metrics.droppedSlow();
          LOG.debug("Dropping slow channel of {}: {} bytes unwritten", peer(), pending.get());
          close((short) 1013, "too slow");
          return;
        }
        pending.addAndGet(size);
        metrics.unwritten(size);
        // Wrapped, not copied: the record is this write's alone.
        ws.writeBinaryMessage(BufferInternal.buffer(Unpooled.wrappedBuffer(record)))
            .onComplete(
                r -> {
                  pending.addAndGet(-size);
                  if (!released) {
                    metrics.unwritten(-size);
                  }
                });
      } catch (ChannelException e) {
        LOG.warn("Cannot send to {}: {}", peer(), e.getMessage());
        close((short) 1011, e.reason().name());
      } catch (IllegalStateException e) {
        closing = true; // the socket closed meanwhile (counted by the close handler)
      }
    }
  }

  /**
   * Sends one map frame; a full netmap too large for one record goes out as consecutive parts
   * ({@link NetmapParts}) that nothing else sent on this channel can come between.
   */
  public void send(MapResponse frame) {
    send(frame, frame.toByteArray());
  }

  /** As {@link #send(MapResponse)}, with the frame already serialized as {@code encoded}. */
  public void send(MapResponse frame, byte[] encoded) {
    if (!frame.hasFull() || encoded.length <= NetmapParts.PART_BYTES) {
      send(null, encoded, NO_BYTES, true);
      return;
    }
    List<MapResponse> parts = NetmapParts.split(frame, NetmapParts.PART_BYTES);
    synchronized (this) {
      for (int i = 0; i < parts.size(); i++) {
        // Only the first part is held to the backlog bound: the rest belong to the same netmap.
        send(ServerMessage.newBuilder().setMap(parts.get(i)).build(), null, NO_BYTES, i == 0);
      }
    }
  }

  /** Why the channel closed, for the closed-channels counter. */
  private String closeReason() {
    if (closedBy != null) {
      return closedBy;
    }
    if (ws.closeStatusCode() != null) {
      return ChannelMetrics.CLOSED_BY_DEVICE;
    }
    return ioError != null ? ChannelMetrics.CLOSED_IO_ERROR : ChannelMetrics.CLOSED_LOST;
  }

  /** Closes the channel (idempotent). */
  public void close(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    closedBy = ChannelMetrics.closedByServer(code);
    if (!ws.isClosed()) {
      ws.close(code, reason);
    }
  }

  /** Whether the channel is neither closing nor closed. */
  public boolean isOpen() {
    return !closing && !ws.isClosed();
  }

  /** Bytes queued for the device and not yet written to its socket. */
  public long pendingBytes() {
    return pending.get();
  }

  /** The device's machine key, authenticated by the handshake. */
  public MachinePublicKey peer() {
    return session.peerKey();
  }

  /** scheme://host of the channel request, for login URLs. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The device's IP address as seen here. */
  public String sourceIp() {
    return sourceIp;
  }

  /** The token of the map stream on this channel; null if none. */
  public String streamToken() {
    return streamToken;
  }

  public void streamToken(String token) {
    streamToken = token;
    if (token != null) {
      vertx.cancelTimer(idleTimer); // a stream may be silent
    }
  }
}
