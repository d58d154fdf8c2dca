package dev.trellis.relay.mesh;

import dev.trellis.proto.relay.FrameDecoder;
import dev.trellis.proto.relay.FrameException;
import dev.trellis.proto.relay.FrameType;
import dev.trellis.proto.relay.HttpUpgrade;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.relay.forward.OutboundQueue;
import dev.trellis.relay.forward.QueueBudget;
import dev.trellis.relay.tls.PinnedTrust;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outgoing link to another relay instance: TLS (pinned to the instance's published SPKI) or
 * plain TCP, {@code GET /relay/v1/mesh} upgrade with a service credential, then MESH_FORWARD
 * frames. Frames offered while it connects wait in its fair queue; if it fails, they are dropped
 * and the link reports itself dead so the next packet dials again.
 *
 * <p>Thread-safety: thread-safe; {@link #offer} from any thread, socket events on its context.
 */
final class MeshLink {
  private static final Logger LOG = LoggerFactory.getLogger(MeshLink.class);

  private final String instanceId;
  private final OutboundQueue queue;
  private volatile InstanceRecord target;
  private final Runnable onDead;
  private volatile NetSocket socket;
  private volatile io.vertx.core.Context context;
  private volatile boolean open;
  private volatile boolean dead;
  private NetClient client;

  MeshLink(String instanceId, long perSourceBytes, QueueBudget budget, Runnable onDead) {
    this.instanceId = instanceId;
    this.onDead = onDead;
    this.queue =
        new OutboundQueue(
            new OutboundQueue.Sink() {
              @Override
              public boolean writable() {
                NetSocket s = socket;
                return open && s != null && !s.writeQueueFull();
              }

              @Override
              public void write(Buffer frames) {
                socket.write(frames);
              }

              @Override
              public void execute(Runnable task) {
                io.vertx.core.Context c = context;
                if (c == null) {
                  task.run(); // still dialling: finds the link not writable and waits for open
                } else {
                  c.runOnContext(v -> task.run());
                }
              }
            },
            perSourceBytes,
            budget);
  }

  /** Sets where the instance is (before {@link #connect}). */
  void retarget(InstanceRecord record) {
    this.target = record;
  }

  /** Dials the instance and upgrades with {@code credential}. */
  void connect(Vertx vertx, Supplier<String> credential) {
    var options = new NetClientOptions().setConnectTimeout(5000).setTcpNoDelay(true);
    if (!target.pin().isEmpty()) {
      options
          .setSsl(true)
          .setTrustOptions(TrustOptions.wrap(new PinnedTrust(target.pin())))
          .setHostnameVerificationAlgorithm("");
      if (io.vertx.core.net.OpenSSLEngineOptions.isAvailable()) {
        options.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
      }
    }
    client = vertx.createNetClient(options);
    client
        .connect(target.port(), target.host())
        .onSuccess(s -> upgrade(s, credential.get()))
        .onFailure(this::fail);
  }

  /** Queues a frame from {@code source}; false if dead or that source's queue is full. */
  boolean offer(Object source, Buffer frame) {
    return !dead && queue.offer(source, frame) == OutboundQueue.Offer.QUEUED;
  }

  boolean dead() {
    return dead;
  }

  void close() {
    NetSocket s = socket;
    if (s != null) {
      s.close();
    }
    fail(new IllegalStateException("closed"));
  }

  private void upgrade(NetSocket s, String credential) {
    context = io.vertx.core.Vertx.currentContext();
    socket = s;
    s.setWriteQueueMaxSize(1 << 20);
    StringBuilder head = new StringBuilder();
    FrameDecoder decoder = new FrameDecoder();
    s.handler(
        buf -> {
          if (!open) {
            head.append(buf.toString(StandardCharsets.ISO_8859_1));
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
              if (head.length() > 8192) {
                s.close();
              }
              return;
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
              LOG.warn(
                  "relay instance {} refused the mesh link: {}",
                  target.instanceId(),
                  head.substring(0, Math.min(head.indexOf("\r\n"), 200)));
              s.close();
              return;
            }
            open = true;
            s.drainHandler(v -> queue.drain());
            queue.drain();
            byte[] rest = head.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
            feed(decoder, rest, s);
            return;
          }
          feed(decoder, buf.getBytes(), s);
        });
    s.closeHandler(v -> fail(new IllegalStateException("mesh link closed")));
    s.exceptionHandler(e -> LOG.debug("mesh link to {}: {}", target.instanceId(), e.toString()));
    s.write(Buffer.buffer(HttpUpgrade.meshRequest(target.host(), credential)));
  }

  private void feed(FrameDecoder decoder, byte[] bytes, NetSocket s) {
    try {
      decoder.feed(
          bytes,
          0,
          bytes.length,
          f -> {
            if (f instanceof RelayFrame.Ping p) {
              s.write(
                  Buffer.buffer(
                      dev.trellis.proto.relay.FrameCodec.encode(new RelayFrame.Pong(p.data()))));
            }
          });
    } catch (FrameException e) {
      s.close();
    }
  }

  private void fail(Throwable t) {
    if (dead) {
      return;
    }
    dead = true;
    open = false;
    queue.close();
    if (client != null) {
      client.close();
    }
    LOG.debug("mesh link to {} is down: {}", instanceId, t.toString());
    onDead.run();
  }

  /** A MESH_FORWARD frame. */
  static Buffer forwardFrame(byte[] source, byte[] destination, byte[] packet) {
    int len = source.length + destination.length + packet.length;
    return Buffer.buffer(5 + len)
        .appendByte((byte) FrameType.MESH_FORWARD.code())
        .appendInt(len)
        .appendBytes(source)
        .appendBytes(destination)
        .appendBytes(packet);
  }
}
