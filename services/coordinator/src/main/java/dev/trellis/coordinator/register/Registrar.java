package dev.trellis.coordinator.register;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trellis.coordinator.loop.ModelLoop;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.netmap.TailnetView;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.internal.InternalClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Registers devices: with an auth key (identity uses the key, keys records the node, ipam gives its
 * addresses), interactively (an interim answer with the login URL, then the final one when identity
 * records the user's sign-in), as a reconnect of an already registered node, or a logout. Refusals
 * become the response's error code and message (the callee's ErrorCode).
 *
 * <p>Thread-safety: thread-safe; replies may be sent from any thread.
 */
public final class Registrar {
  private static final long FOLLOWUP_WAIT_MS = 60_000;

  private final Vertx vertx;
  private final InternalClient client;
  private final ModelLoop loop;
  private final PendingLogins pending;
  private final RegistrationMetrics metrics;
  private final Planner planner;

  public Registrar(
      Vertx vertx,
      InternalClient client,
      ModelLoop loop,
      PendingLogins pending,
      RegistrationMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.client = client;
    this.loop = loop;
    this.pending = pending;
    this.planner = new Planner(loop);
  }

  /**
   * Handles {@code req} from the device authenticated as {@code machine}; {@code reply} gets every
   * response (interim and final). {@code baseUrl} is scheme://host of the channel request.
   */
  public void register(
      MachinePublicKey machine,
      RegisterRequest req,
      String baseUrl,
      String sourceIp,
      Consumer<RegisterResponse> reply) {
    long start = System.nanoTime();
    Future<RegisterResponse> result;
    try {
      validate(machine, req);
      if (req.getLogout()) {
        result = logout(machine, req);
      } else if (!req.getAuthKey().isEmpty()) {
        result = withAuthKey(machine, req, sourceIp);
      } else if (!req.getFollowup().isEmpty()) {
        result = followup(machine, req, baseUrl);
      } else {
        result =
            existing(machine, req)
                .compose(
                    found ->
                        found != null
                            ? Future.succeededFuture(found)
                            : interactive(machine, req, baseUrl, reply));
      }
    } catch (ApiException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        r -> {
          RegisterResponse answer = r.succeeded() ? r.result() : error(r.cause());
          if (!answer.getErrorCode().isEmpty() || !answer.getNodeId().isEmpty()) {
            metrics.finished(answer, start);
          }
          reply.accept(answer);
        });
  }

  private static void validate(MachinePublicKey machine, RegisterRequest req) {
    if (!CapabilityVersion.isSupported(req.getCapabilityVersion())) {
      throw ApiException.of(ErrorCode.CLIENT_TOO_OLD, ErrorCode.CLIENT_TOO_OLD.defaultMessage());
    }
    if (!ByteString.copyFrom(machine.toBytes()).equals(req.getMachineKey())) {
      throw ApiException.of(
          ErrorCode.MACHINE_KEY_MISMATCH,
          "The request's machine key is not the key that authenticated this channel.");
    }
    if (req.getNodeKey().size() != 32) {
      throw ApiException.field(
          ErrorCode.KEY_MALFORMED, "node_key", "The node key must be 32 bytes.");
    }
    if (!req.getDiscoKey().isEmpty() && req.getDiscoKey().size() != 32) {
      throw ApiException.field(
          ErrorCode.KEY_MALFORMED, "disco_key", "The disco key must be 32 bytes.");
    }
    if (!req.getOldNodeKey().isEmpty() && req.getOldNodeKey().size() != 32) {
      throw ApiException.field(
          ErrorCode.KEY_MALFORMED, "old_node_key", "The old node key must be 32 bytes.");
    }
  }

  private Future<RegisterResponse> logout(MachinePublicKey machine, RegisterRequest req) {
    return node(machine, req.getNodeKey())
        .compose(
            n -> {
              if (n == null) {
                return Future.failedFuture(
                    ApiException.of(ErrorCode.NODE_NOT_FOUND, "No node has this node key."));
              }
              return client
                  .post("keys", "/api/v1/internal/nodes/" + n.id() + "/logout", Map.of())
                  .map(j -> RegisterResponse.newBuilder().setNodeId(n.id()).build());
            });
  }

  /**
   * A registration with an auth key. Everything that can refuse it is checked before the key is
   * used, so a refused registration never burns a one-off key: identity checks the key without
   * taking a use, the tags are decided against the key and the tailnet's policy, the key registry
   * checks the request (hostname, keys, node key held elsewhere) without registering; only then is
   * the key used and the node registered. What can still fail after the use is a race (another use
   * of the key, another machine claiming the node key) or an outage.
   */
  private Future<RegisterResponse> withAuthKey(
      MachinePublicKey machine, RegisterRequest req, String sourceIp) {
    JsonObject use =
        new JsonObject()
            .put("key", req.getAuthKey())
            .put("hostname", req.getHostInfo().getHostname())
            .put("sourceIp", sourceIp);
    return client
        .post("identity", "/api/v1/internal/authkeys/check", use)
        .compose(checked -> planner.plan(req, checked.getJsonObject("keyInfo", new JsonObject())))
        .compose(
            plan ->
                client
                    .post(
                        "keys",
                        "/api/v1/internal/nodes/register",
                        Planner.body(machine, req, plan).put("checkOnly", true))
                    .compose(
                        accepted -> client.post("identity", "/api/v1/internal/authkeys/use", use))
                    .compose(used -> complete(machine, req, plan)));
  }

  /** Keys registers the node, ipam gives addresses; answers the final response. */
  Future<RegisterResponse> complete(
      MachinePublicKey machine, RegisterRequest req, Planner.Plan plan) {
    String tailnetId = plan.tailnetId();
    String userId = plan.userId();
    List<String> tags = plan.tags();
    JsonObject body = Planner.body(machine, req, plan);
    return client
        .post("keys", "/api/v1/internal/nodes/register", body)
        .compose(
            node -> {
              String nodeId = node.getString("nodeId");
              return client
                  .post(
                      "ipam",
                      "/api/v1/internal/allocations",
                      new JsonObject().put("tailnetId", tailnetId).put("nodeId", nodeId))
                  .compose(
                      addr ->
                          loop.call(
                              (model, hub) -> {
                                TailnetView t = model.tailnet(tailnetId);
                                RegisterResponse.Builder r =
                                    RegisterResponse.newBuilder()
                                        .setNodeId(nodeId)
                                        .setUserId(userId)
                                        .addAllTags(tags)
                                        .setMachineAuthorized(node.getBoolean("approved", false))
                                        .setNodeName(t.fqdn(node.getString("name", "")));
                                if (addr.getString("ipv4") != null) {
                                  r.addAddresses(addr.getString("ipv4") + "/32");
                                }
                                if (addr.getString("ipv6") != null
                                    && !addr.getString("ipv6").isEmpty()) {
                                  r.addAddresses(addr.getString("ipv6") + "/128");
                                }
                                String expiry = node.getString("keyExpiry");
                                if (expiry != null) {
                                  r.setKeyExpiry(ts(Instant.parse(expiry)));
                                }
                                if (!userId.isEmpty()) {
                                  UserProfile p = t.users().get(userId);
                                  r.setUser(
                                      p != null
                                          ? p
                                          : UserProfile.newBuilder().setUserId(userId).build());
                                }
                                return r.build();
                              }));
            });
  }

  /** A node already registered with this machine and node key answers without a new login. */
  private Future<RegisterResponse> existing(MachinePublicKey machine, RegisterRequest req) {
    return loop.call(
        (model, hub) -> {
          for (NodeView n : model.byMachineKey(ByteString.copyFrom(machine.toBytes()))) {
            if (n.nodeKey().equals(req.getNodeKey()) && !n.expired() && !n.revoked()) {
              TailnetView t = model.tailnet(n.tailnetId());
              RegisterResponse.Builder r =
                  RegisterResponse.newBuilder()
                      .setNodeId(n.id())
                      .setUserId(n.userId())
                      .addAllTags(n.tags())
                      .setMachineAuthorized(n.approved())
                      .setNodeName(t.fqdn(n.name()));
              if (!n.ipv4().isEmpty()) {
                r.addAddresses(n.ipv4() + "/32");
              }
              if (!n.ipv6().isEmpty()) {
                r.addAddresses(n.ipv6() + "/128");
              }
              if (n.keyExpiry() != null) {
                r.setKeyExpiry(ts(n.keyExpiry()));
              }
              return r.build();
            }
          }
          return null;
        });
  }

  private Future<RegisterResponse> interactive(
      MachinePublicKey machine,
      RegisterRequest req,
      String baseUrl,
      Consumer<RegisterResponse> reply) {
    String nodeKey = NodePublicKey.fromBytes(req.getNodeKey().toByteArray()).toString();
    return pending
        .create(
            machine.toString(), nodeKey, req.getHostInfo().getHostname(), req.getHostInfo().getOs())
        .compose(
            code -> {
              reply.accept(
                  RegisterResponse.newBuilder()
                      .setAuthUrl(baseUrl + "/login/device/" + code)
                      .build());
              return waitFor(code, machine, req, baseUrl);
            });
  }

  private Future<RegisterResponse> followup(
      MachinePublicKey machine, RegisterRequest req, String baseUrl) {
    String url = req.getFollowup();
    String code = url.substring(url.lastIndexOf('/') + 1);
    return pending
        .lookup(code)
        .compose(
            entry -> {
              if (entry == null || !machine.toString().equals(entry.getString("machineKey"))) {
                return Future.failedFuture(
                    ApiException.of(
                        ErrorCode.LOGIN_SESSION_EXPIRED,
                        "This login link expired or belongs to another device; run up again."));
              }
              if (entry.getString("userId") != null) {
                pending.forget(code);
                return asUser(
                    machine,
                    req,
                    entry.getString("tailnetId"),
                    entry.getString("userId"),
                    req.getEphemeral(),
                    "",
                    false);
              }
              return waitFor(code, machine, req, baseUrl);
            });
  }

  private Future<RegisterResponse> waitFor(
      String code, MachinePublicKey machine, RegisterRequest req, String baseUrl) {
    Future<PendingLogins.Completion> done = pending.await(code);
    return Future.any(done, vertx.timer(FOLLOWUP_WAIT_MS))
        .compose(
            any -> {
              if (!done.isComplete()) {
                return Future.succeededFuture(
                    RegisterResponse.newBuilder()
                        .setAuthUrl(baseUrl + "/login/device/" + code)
                        .build());
              }
              pending.forget(code);
              PendingLogins.Completion c = done.result();
              return asUser(machine, req, c.tailnetId(), c.userId(), req.getEphemeral(), "", false);
            });
  }

  /**
   * Completes a registration for {@code userId}: an untagged node of that user, or, when the device
   * asks for tags, a node owned by those tags if the tailnet's policy lets the user own them
   * ({@code tagOwners}), refused with the reason otherwise.
   */
  private Future<RegisterResponse> asUser(
      MachinePublicKey machine,
      RegisterRequest req,
      String tailnetId,
      String userId,
      boolean ephemeral,
      String authKeyId,
      boolean preapproved) {
    return planner
        .forUser(req, tailnetId, userId, ephemeral, authKeyId, preapproved)
        .compose(plan -> complete(machine, req, plan));
  }

  private Future<NodeView> node(MachinePublicKey machine, ByteString nodeKey) {
    return loop.call(
        (model, hub) -> {
          Optional<NodeView> n =
              model.byMachineKey(ByteString.copyFrom(machine.toBytes())).stream()
                  .filter(x -> x.nodeKey().equals(nodeKey))
                  .findFirst();
          return n.orElse(null);
        });
  }

  private static RegisterResponse error(Throwable t) {
    ApiException e =
        t instanceof ApiException a
            ? a
            : ApiException.of(ErrorCode.INTERNAL, "Registration failed: " + t.getMessage());
    return RegisterResponse.newBuilder()
        .setErrorCode(e.code().code())
        .setErrorMessage(e.getMessage())
        .build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
