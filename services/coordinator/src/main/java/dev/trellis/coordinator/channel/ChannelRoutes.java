package dev.trellis.coordinator.channel;

import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The device-facing HTTP routes: {@code GET /control/v1/key} (the control public key and capability
 * version) and {@code GET /control/v1/channel} (the WebSocket of a {@link DeviceChannel}). An
 * upgrade that is not a valid WebSocket handshake answers 400 (Vert.x answers it) and is a counted,
 * rate-limited WARN ({@code trellis_bad_input_total{kind="channel_upgrade"}}), never an error with
 * a stack trace: anyone can send one.
 *
 * <p>Thread-safety: handlers run on event loops; state lives in the channels.
 */
public final class ChannelRoutes {
  private final MachinePublicKey controlKey;
  private final HandshakeResponder responder;
  private final DeviceChannel.ChannelHandler handler;
  private final ChannelMetrics metrics;
  private final long maxPendingBytes;
  private final Duration handshakeTimeout;
  private final Duration idleTimeout;

  /** Unwritten bytes per channel beyond which a device is too slow: a full record and room. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 8L << 20;

  /** How long a device has after the upgrade to complete the Noise handshake. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** How long a channel without a map stream may receive nothing. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

  public ChannelRoutes(
      MachinePublicKey controlKey,
      HandshakeResponder responder,
      DeviceChannel.ChannelHandler handler,
      ChannelMetrics metrics) {
    this(controlKey, responder, handler, metrics, DEFAULT_MAX_PENDING_BYTES);
  }

  /** With the bound of unwritten bytes per channel ({@link DeviceChannel}). */
  public ChannelRoutes(
      MachinePublicKey controlKey,
      HandshakeResponder responder,
      DeviceChannel.ChannelHandler handler,
      ChannelMetrics metrics,
      long maxPendingBytes) {
    this(
        controlKey,
        responder,
        handler,
        metrics,
        maxPendingBytes,
        DEFAULT_HANDSHAKE_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT);
  }

  /**
   * With the bound of unwritten bytes, the deadline of the Noise handshake and how long a channel
   * without a map stream may stay silent.
   */
  public ChannelRoutes(
      MachinePublicKey controlKey,
      HandshakeResponder responder,
      DeviceChannel.ChannelHandler handler,
      ChannelMetrics metrics,
      long maxPendingBytes,
      Duration handshakeTimeout,
      Duration idleTimeout) {
    this.maxPendingBytes = maxPendingBytes;
    this.handshakeTimeout = handshakeTimeout;
    this.idleTimeout = idleTimeout;
    this.controlKey = controlKey;
    this.responder = responder;
    this.handler = handler;
    this.metrics = metrics;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/control/v1/key").handler(this::key);
    router.get("/control/v1/channel").handler(this::channel);
  }

  private void key(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(
            new JsonObject()
                .put("controlKey", controlKey.toString())
                .put("capabilityVersion", CapabilityVersion.CURRENT)
                .encode());
  }

  private void channel(RoutingContext ctx) {
    String host = ctx.request().getHeader("Host");
    String scheme = ctx.request().scheme() == null ? "http" : ctx.request().scheme();
    String base = scheme + "://" + (host == null ? "localhost" : host);
    String source =
        ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    ctx.request()
        .toWebSocket()
        .onSuccess(
            ws ->
                new DeviceChannel(
                        ctx.vertx(),
                        ws,
                        responder,
                        handler,
                        metrics,
                        base,
                        source,
                        maxPendingBytes,
                        handshakeTimeout,
                        idleTimeout)
                    .start())
        .onFailure(
            e -> {
              metrics
                  .badInput()
                  .warn(
                      "channel_upgrade",
                      "Refused a channel upgrade from {}: {}",
                      source,
                      e.getMessage());
              if (!ctx.response().headWritten()) {
                ctx.fail(
                    ApiException.of(
                        ErrorCode.BAD_REQUEST, "Expected a WebSocket upgrade (RFC 6455)."));
              }
            });
  }
}
