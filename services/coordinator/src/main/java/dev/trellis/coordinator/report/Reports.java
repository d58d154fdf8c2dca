package dev.trellis.coordinator.report;

import com.google.protobuf.Message;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.Endpoint;
import dev.trellis.proto.event.v1.EndpointType;
import dev.trellis.proto.event.v1.HostInfo;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeHomeRelayChanged;
import dev.trellis.proto.event.v1.NodeHostInfoUpdated;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.TextField;
import dev.trellis.runtime.internal.InternalClient;
import dev.trellis.runtime.logging.ThrottledLog;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a device's report (a MapRequest's endpoints, host info, disco key and home relay) into
 * events, only for what differs from the model: NodeEndpointsReported, NodeHostInfoUpdated and
 * NodeHomeRelayChanged on the coordinator topic; a new disco key goes to the key registry. Host
 * info is text from the device: a report whose fields are too long or carry control or
 * bidirectional formatting characters ({@link #hostInfoProblem}) changes nothing and is a counted,
 * rate-limited WARN, so a device cannot write 60 kB hostnames or forged lines into the log. The
 * routes it advertises (routable_ips) are checked as a whole: an invalid list is dropped (the rest
 * of the host info still counts) with the same kind of WARN.
 *
 * <p>Thread-safety: thread-safe (appends and calls are asynchronous).
 */
public final class Reports {
  private static final int MAX_ENDPOINTS = 64;

  private final EventLog log;
  private final Events events;
  private final InternalClient client;
  private final ThrottledLog badInput;

  public Reports(EventLog log, Events events, InternalClient client, ThrottledLog badInput) {
    this.log = log;
    this.events = events;
    this.client = client;
    this.badInput = badInput;
  }

  /** What is wrong with a device's host info (naming the field), or null when nothing is. */
  public static String hostInfoProblem(dev.trellis.proto.control.v1.HostInfo h) {
    String[][] fields = {
      {"hostname", h.getHostname(), "255"},
      {"os", h.getOs(), "64"},
      {"os_version", h.getOsVersion(), "128"},
      {"agent_version", h.getAgentVersion(), "64"},
      {"arch", h.getArch(), "32"},
      {"device_model", h.getDeviceModel(), "128"},
    };
    for (String[] f : fields) {
      String problem = TextField.problem(f[1], Integer.parseInt(f[2]));
      if (problem != null) {
        return f[0] + ": " + problem;
      }
    }
    return null;
  }

  /** Appends the events for what {@code req} changes about {@code node}. */
  public void report(NodeView node, MapRequest req) {
    if (!req.getEndpointsUnchanged() || req.getEndpointsCount() > 0) {
      if (!req.getEndpointsList().equals(node.endpoints())
          && req.getEndpointsCount() <= MAX_ENDPOINTS) {
        List<Endpoint> eps = new ArrayList<>();
        req.getEndpointsList()
            .forEach(
                e ->
                    eps.add(
                        Endpoint.newBuilder()
                            .setAddress(e.getAddress())
                            .setType(
                                EndpointType.forNumber(e.getTypeValue()) == null
                                    ? EndpointType.ENDPOINT_TYPE_UNSPECIFIED
                                    : EndpointType.forNumber(e.getTypeValue()))
                            .build()));
        append(
            node,
            NodeEndpointsReported.newBuilder().setNodeId(node.id()).addAllEndpoints(eps).build());
      }
    }
    String refused = req.hasHostInfo() ? hostInfoProblem(req.getHostInfo()) : null;
    var h =
        req.hasHostInfo() && refused == null
            ? withCheckedRoutes(node.id(), req.getHostInfo(), badInput)
            : null;
    if (refused != null) {
      badInput.warn("hostinfo_refused", "Ignored host info of node {}: {}", node.id(), refused);
    } else if (h != null && !h.equals(node.hostInfo())) {
      append(
          node,
          NodeHostInfoUpdated.newBuilder()
              .setNodeId(node.id())
              .setHostInfo(
                  HostInfo.newBuilder()
                      .setHostname(h.getHostname())
                      .setOs(h.getOs())
                      .setOsVersion(h.getOsVersion())
                      .setAgentVersion(h.getAgentVersion())
                      .setArch(h.getArch())
                      .setDeviceModel(h.getDeviceModel())
                      .addAllRoutableIps(h.getRoutableIpsList()))
              .build());
    }
    if (req.getHomeRelayRegion() != 0 && req.getHomeRelayRegion() != node.homeRelay()) {
      append(
          node,
          NodeHomeRelayChanged.newBuilder()
              .setNodeId(node.id())
              .setOldRegionId(node.homeRelay())
              .setNewRegionId(req.getHomeRelayRegion())
              .build());
    }
    if (req.getDiscoKey().size() == 32 && !req.getDiscoKey().equals(node.discoKey())) {
      client.post(
          "keys",
          "/api/v1/internal/nodes/" + node.id() + "/disco",
          new JsonObject()
              .put(
                  "discoKey",
                  DiscoPublicKey.fromBytes(req.getDiscoKey().toByteArray()).toString()));
    }
  }

  /**
   * The host info with its routes canonical ({@link AdvertisedRoutes#checked}); an invalid list is
   * dropped whole (the device offers no route until it sends a valid one) and is a counted,
   * rate-limited WARN naming the route.
   */
  static dev.trellis.proto.control.v1.HostInfo withCheckedRoutes(
      String nodeId, dev.trellis.proto.control.v1.HostInfo h, ThrottledLog badInput) {
    if (h.getRoutableIpsCount() == 0) {
      return h;
    }
    List<String> routes;
    try {
      routes = AdvertisedRoutes.checked(h.getRoutableIpsList());
    } catch (IllegalArgumentException e) {
      badInput.warn(
          "routes_refused", "Ignored the routes node {} advertises: {}", nodeId, e.getMessage());
      routes = List.of();
    }
    return h.toBuilder().clearRoutableIps().addAllRoutableIps(routes).build();
  }

  private void append(NodeView node, Message payload) {
    Actor actor = Actor.newBuilder().setKind(Actor.Kind.NODE).setId(node.id()).build();
    log.append(
        Topics.COORDINATOR, events.draft(node.tailnetId(), node.id(), actor, payload).build());
  }
}
