package dev.trellis.coordinator.register;

import dev.trellis.coordinator.loop.ModelLoop;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides who a registration makes the node belong to, and how ({@link Plan}): the auth key's tags
 * (the requested tags must all be the key's), or its creator's or the signed-in user's node, tagged
 * when the device asks for tags the tailnet's policy lets the user own; refused (with the reason)
 * otherwise. Decided before anything is used or recorded, so a refusal costs nothing. Also builds
 * the key registry's register body of a plan.
 *
 * <p>Thread-safety: thread-safe (policy questions go to the model loop).
 */
final class Planner {
  private final ModelLoop loop;

  Planner(ModelLoop loop) {
    this.loop = loop;
  }

  /** Who a registration makes the node belong to, and how. */
  record Plan(
      String tailnetId,
      String userId,
      List<String> tags,
      boolean ephemeral,
      String authKeyId,
      boolean preapproved) {}

  /** The plan for an auth key ({@code keyInfo} as identity answers it); fails when refused. */
  Future<Plan> plan(RegisterRequest req, JsonObject key) {
    List<String> keyTags = strings(key.getJsonArray("tags"));
    String tailnetId = key.getString("tailnetId");
    String creator = key.getString("creatorUserId", "");
    boolean ephemeral = req.getEphemeral() || key.getBoolean("ephemeral", false);
    String keyId = key.getString("id", "");
    boolean preapproved = key.getBoolean("preapproved", false);
    if (!keyTags.isEmpty()) {
      if (!keyTags.containsAll(req.getRequestedTagsList())) {
        return Future.failedFuture(
            ApiException.of(
                ErrorCode.AUTH_KEY_TAGS_FORBIDDEN,
                "The requested tags are not all carried by the auth key."));
      }
      List<String> tags = req.getRequestedTagsCount() > 0 ? req.getRequestedTagsList() : keyTags;
      return tagged(new Plan(tailnetId, "", tags, ephemeral, keyId, preapproved), keyTags, creator);
    }
    // An untagged key: the creator's node, or tagged if the creator owns what it asks.
    return forUser(req, tailnetId, creator, ephemeral, keyId, preapproved);
  }

  /** A plan for {@code userId}: untagged, or tagged if the policy lets the user own the tags. */
  Future<Plan> forUser(
      RegisterRequest req,
      String tailnetId,
      String userId,
      boolean ephemeral,
      String authKeyId,
      boolean preapproved) {
    if (req.getRequestedTagsCount() == 0) {
      return Future.succeededFuture(
          new Plan(tailnetId, userId, List.of(), ephemeral, authKeyId, preapproved));
    }
    return tagged(
        new Plan(
            tailnetId,
            "",
            List.copyOf(req.getRequestedTagsList()),
            ephemeral,
            authKeyId,
            preapproved),
        List.of(),
        userId);
  }

  /**
   * {@code plan} (a node owned by its tags) if the tailnet's policy lets {@code userId} or an auth
   * key carrying {@code keyTags} own them; refused with the reason otherwise.
   */
  private Future<Plan> tagged(Plan plan, List<String> keyTags, String userId) {
    return loop.call(
            (m, h) -> m.visibility().tagsRefused(plan.tailnetId(), plan.tags(), keyTags, userId))
        .compose(
            refused ->
                refused.isPresent()
                    ? Future.failedFuture(
                        ApiException.of(
                            ErrorCode.AUTH_KEY_TAGS_FORBIDDEN,
                            "Tags refused by the tailnet's policy: " + refused.get()))
                    : Future.succeededFuture(plan));
  }

  /** The key registry's register body for {@code plan}. */
  static JsonObject body(MachinePublicKey machine, RegisterRequest req, Plan plan) {
    JsonObject body =
        new JsonObject()
            .put("tailnetId", plan.tailnetId())
            .put("machineKey", machine.toString())
            .put("nodeKey", NodePublicKey.fromBytes(req.getNodeKey().toByteArray()).toString())
            .put("hostname", req.getHostInfo().getHostname())
            .put("os", req.getHostInfo().getOs())
            .put("userId", plan.userId())
            .put("tags", new JsonArray(new ArrayList<>(plan.tags())))
            .put("ephemeral", plan.ephemeral())
            .put("authKeyId", plan.authKeyId())
            .put("preapproved", plan.preapproved());
    if (req.getDiscoKey().size() == 32) {
      body.put("discoKey", DiscoPublicKey.fromBytes(req.getDiscoKey().toByteArray()).toString());
    }
    if (req.getOldNodeKey().size() == 32) {
      body.put("oldNodeKey", NodePublicKey.fromBytes(req.getOldNodeKey().toByteArray()).toString());
    }
    return body;
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (Object o : a) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }
}
