package dev.trellis.coordinator;

import com.google.protobuf.ByteString;
import dev.trellis.coordinator.channel.DeviceChannel;
import dev.trellis.coordinator.loop.ModelLoop;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.presence.Presence;
import dev.trellis.coordinator.register.Registrar;
import dev.trellis.coordinator.report.Reports;
import dev.trellis.coordinator.stream.FrameSink;
import dev.trellis.coordinator.stream.StampedFrame;
import dev.trellis.coordinator.stream.StreamHub;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a device's channel does with its messages: registrations go to the {@link Registrar}; map
 * requests identify the node (channel machine key + current node key), turn reports into events
 * and, with stream=true, open the stream in the {@link StreamHub} and claim presence. A closed
 * channel detaches its stream and, if it was the node's last here, makes it an offline candidate.
 * The channel of a node that offers routes is watched with pings ({@link
 * DeviceChannel#watchLiveness}), so a router that stops answering is offline in seconds and its
 * routes move to another router.
 *
 * <p>Thread-safety: thread-safe; model work runs on the {@link ModelLoop}.
 */
final class DeviceDispatch implements DeviceChannel.ChannelHandler {
  /**
   * How long a stream request for a node this instance's model does not know yet waits for it: the
   * node may have registered a moment ago (through this or another instance) and its events not
   * have reached this model, and answering "not registered" would log a valid device out.
   */
  static final long UNKNOWN_NODE_WAIT_MS = 10_000;

  private static final long UNKNOWN_NODE_POLL_MS = 50;

  /** How often a router's channel is pinged. */
  static final Duration ROUTER_PING =
      Duration.ofMillis(Long.getLong("trellis.coordinator.routerPingMs", 500));

  /** How long a router's channel may stay silent (no record, no pong) before it counts as dead. */
  static final Duration ROUTER_SILENCE =
      Duration.ofMillis(Long.getLong("trellis.coordinator.routerSilenceMs", 2_500));

  /**
   * Bytes handed to all channels and not yet written above which new streams wait: 10,000 streams
   * opening at once in a tailnet of 10,000 are 40 GB of full netmaps, and a coordinator that builds
   * them faster than the devices read them runs out of heap (seen at 10,000 simulated devices).
   */
  static final long OPEN_BACKLOG_BYTES = 128L << 20;

  private static final long BACKLOG_POLL_MS = 20;

  private final ModelLoop loop;
  private final Registrar registrar;
  private final Reports reports;
  private final Presence presence;
  private final LongSupplier nanos;
  private final Map<DeviceChannel, Presence.NodeRef> streams = new ConcurrentHashMap<>();
  private final LongSupplier unwritten;

  DeviceDispatch(
      ModelLoop loop,
      Registrar registrar,
      Reports reports,
      Presence presence,
      LongSupplier nanos,
      LongSupplier unwritten) {
    this.unwritten = unwritten;
    this.loop = loop;
    this.registrar = registrar;
    this.reports = reports;
    this.presence = presence;
    this.nanos = nanos;
  }

  @Override
  public void message(DeviceChannel ch, ClientMessage m) {
    switch (m.getKindCase()) {
      case REGISTER ->
          registrar.register(
              ch.peer(),
              m.getRegister(),
              ch.baseUrl(),
              ch.sourceIp(),
              r -> ch.send(ServerMessage.newBuilder().setRegister(r).build()));
      case MAP -> map(ch, m.getMap(), 0);
      default -> {}
    }
  }

  /** Handles a map request, retrying while the model may not have seen the node yet. */
  private void map(DeviceChannel ch, MapRequest req, long waitedMs) {
    if (req.getStream()
        && !dev.trellis.proto.control.CapabilityVersion.isSupported(req.getCapabilityVersion())) {
      // An agent that cannot read this coordinator's frames (e.g. a netmap in parts) is told so
      // rather than sent a netmap it would misread.
      ch.send(
          NetmapFrames.loggedOut(
              "CLIENT_TOO_OLD", "This agent is too old for this coordinator; update it."));
      ch.close((short) 1000, "client too old");
      return;
    }
    if (req.getStream() && ch.streamToken() == null && unwritten.getAsLong() > OPEN_BACKLOG_BYTES) {
      // Admission: a new stream starts with a full netmap (megabytes in a big tailnet); while the
      // channels' unwritten bytes are over budget, wait for them to drain instead of queueing more.
      if (ch.isOpen()) {
        loop.context().owner().setTimer(BACKLOG_POLL_MS, id -> map(ch, req, waitedMs));
      }
      return;
    }
    boolean mayWait = req.getStream() && waitedMs < UNKNOWN_NODE_WAIT_MS;
    loop.call((model, hub) -> map(ch, req, model, hub, mayWait))
        .onSuccess(
            retry -> {
              if (Boolean.TRUE.equals(retry) && ch.isOpen()) {
                loop.context()
                    .owner()
                    .setTimer(
                        UNKNOWN_NODE_POLL_MS, id -> map(ch, req, waitedMs + UNKNOWN_NODE_POLL_MS));
              }
            });
  }

  /** True when the node is unknown and the caller should ask again shortly. */
  private Boolean map(
      DeviceChannel ch,
      MapRequest req,
      dev.trellis.coordinator.netmap.NetmapModel model,
      StreamHub hub,
      boolean mayWait) {
    List<NodeView> mine = model.byMachineKey(ByteString.copyFrom(ch.peer().toBytes()));
    NodeView node =
        mine.stream().filter(n -> n.nodeKey().equals(req.getNodeKey())).findFirst().orElse(null);
    if (node == null) {
      if (mayWait) {
        return true;
      }
      if (req.getStream()) {
        ch.send(
            mine.isEmpty()
                ? NetmapFrames.loggedOut("NODE_NOT_FOUND", "This device is not registered.")
                : NetmapFrames.reauth(
                    "NODE_KEY_EXPIRED", "This node key is not current; log in again."));
        ch.close((short) 1000, "no node");
      }
      return false;
    }
    reports.report(node, req);
    if (!node.advertisedRoutes().isEmpty()
        || (req.hasHostInfo() && req.getHostInfo().getRoutableIpsCount() > 0)) {
      ch.watchLiveness(ROUTER_PING, ROUTER_SILENCE);
    }
    if (!req.getStream() || ch.streamToken() != null) {
      return false;
    }
    StreamHub.Opened opened =
        hub.open(node, sink(ch), req.getResumeToken(), req.getNetmapVersion());
    if (opened.refusal() != null) {
      ch.send(
          node.revoked()
              ? NetmapFrames.reauth(
                  "NODE_KEY_REVOKED", "The node key has been revoked; log in again.")
              : NetmapFrames.reauth("NODE_KEY_EXPIRED", "The node key has expired; log in again."));
      ch.close((short) 1000, "reauth");
      return false;
    }
    ch.streamToken(opened.token());
    Presence.NodeRef ref = new Presence.NodeRef(node.id(), node.tailnetId());
    streams.put(ch, ref);
    presence.online(ref, node.online() ? node.holder() : "");
    return false;
  }

  private static FrameSink sink(DeviceChannel ch) {
    return new FrameSink() {
      @Override
      public void send(StampedFrame frame) {
        if (frame.full() && !DeviceChannel.fitsOneRecord(frame.length())) {
          ch.send(frame.stamped(), frame.encoded()); // split into parts
        } else {
          ch.sendMap(frame.body(), frame.stamp());
        }
      }

      @Override
      public void send(MapResponse frame, byte[] encoded) {
        ch.send(frame, encoded);
      }

      @Override
      public void ended() {
        ch.close((short) 1000, "stream ended");
      }
    };
  }

  @Override
  public void closed(DeviceChannel ch) {
    Presence.NodeRef ref = streams.remove(ch);
    String token = ch.streamToken();
    if (ref == null || token == null) {
      return;
    }
    loop.call(
        (model, hub) -> {
          hub.detach(token);
          if (!hub.attached(ref.nodeId())) {
            boolean router =
                model
                    .node(ref.nodeId())
                    .map(n -> !n.routes().primary().isEmpty() || n.routes().exitNode())
                    .orElse(false);
            presence.closed(ref, nanos.getAsLong(), router);
          }
          return null;
        });
  }
}
