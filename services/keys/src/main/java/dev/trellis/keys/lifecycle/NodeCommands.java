package dev.trellis.keys.lifecycle;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trellis.keys.journal.KeysLog;
import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.keys.registry.MagicName;
import dev.trellis.keys.registry.NodeClaims;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.DiscoKeyChanged;
import dev.trellis.proto.event.v1.NodeAuthorized;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeKeyExpiryDisabled;
import dev.trellis.proto.event.v1.NodeKeyRevoked;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeRenamed;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.event.v1.NodeTagsChanged;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The changes to an existing node, each one event (or none when the node is already in the asked
 * state): expire, disable expiry, revoke, rename, tag, approve, change disco key, remove. Events
 * that several instances may decide at once (an expiry, a removal) are guarded so each is appended
 * once; names are claimed before a rename. Each method returns the node as it stands afterwards.
 *
 * <p>Thread-safety: thread-safe; blocking (command and sweep threads).
 */
public final class NodeCommands {
  private final NodeStore store;
  private final NodeClaims claims;
  private final KeysLog log;
  private final Events events;
  private final Clock clock;

  public NodeCommands(NodeStore store, NodeClaims claims, KeysLog log, Events events, Clock clock) {
    this.store = store;
    this.claims = claims;
    this.log = log;
    this.events = events;
    this.clock = clock;
  }

  /** Expires the node's current key now (NodeKeyExpired), unless it already is expired. */
  public NodeRecord expire(NodeRecord node, Actor actor) {
    Instant now = clock.instant();
    return expire(node, actor, ts(now), "expired by " + actor.getDisplay());
  }

  /**
   * Appends NodeKeyExpired for the node's current key once, however many instances decide it.
   *
   * @param at the expiry time to record
   */
  NodeRecord expire(NodeRecord node, Actor actor, Timestamp at, String why) {
    if (node.getExpired()) {
      return node;
    }
    String fact =
        "expired|"
            + node.getNodeId()
            + "|"
            + NodeProjection.hex(node.getNodeKey().toByteArray())
            + "|"
            + node.getKeyChangedAt().getSeconds()
            + "."
            + node.getKeyChangedAt().getNanos();
    if (!claims.once(fact, actor.getId())) {
      return node;
    }
    try {
      log.appendAndApply(
          events
              .draft(
                  node.getTailnetId(),
                  node.getNodeId(),
                  actor,
                  NodeKeyExpired.newBuilder()
                      .setNodeId(node.getNodeId())
                      .setNodeKey(node.getNodeKey())
                      .setExpiredAt(at)
                      .build())
              .subject("node " + node.getName() + " key " + why)
              .build());
    } catch (RuntimeException e) {
      claims.forget(fact, actor.getId());
      throw e;
    }
    return current(node);
  }

  /** Turns key expiry off for the node (NodeKeyExpiryDisabled). */
  public NodeRecord disableExpiry(NodeRecord node, Actor actor) {
    if (node.getKeyExpiryDisabled()) {
      return node;
    }
    NodeKeyExpiryDisabled.Builder p =
        NodeKeyExpiryDisabled.newBuilder().setNodeId(node.getNodeId());
    if (node.hasKeyExpiry()) {
      p.setPreviousKeyExpiry(node.getKeyExpiry());
    }
    append(node, actor, p.build(), "node " + node.getName() + " key expiry disabled");
    return current(node);
  }

  /** Revokes the node's current key (NodeKeyRevoked). */
  public NodeRecord revoke(NodeRecord node, String reason, Actor actor) {
    if (node.getRevoked()) {
      return node;
    }
    append(
        node,
        actor,
        NodeKeyRevoked.newBuilder()
            .setNodeId(node.getNodeId())
            .setNodeKey(node.getNodeKey())
            .setReason(reason == null ? "" : reason)
            .build(),
        "node " + node.getName() + " key revoked");
    return current(node);
  }

  /** Renames the node; {@code CONFLICT} when another node has the name. */
  public NodeRecord rename(NodeRecord node, String name, Actor actor) {
    if (!MagicName.valid(name)) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST,
          "name",
          "A name is one DNS label: lower-case letters, digits and dashes, at most 63.");
    }
    if (name.equals(node.getName())) {
      return node;
    }
    if (!claims.claimName(node.getTailnetId(), name, node.getNodeId())) {
      throw ApiException.field(
          ErrorCode.CONFLICT, "name", "Another node in this tailnet has this name.");
    }
    try {
      append(
          node,
          actor,
          NodeRenamed.newBuilder()
              .setNodeId(node.getNodeId())
              .setOldName(node.getName())
              .setNewName(name)
              .build(),
          "node " + node.getName() + " renamed to " + name);
    } catch (RuntimeException e) {
      claims.releaseName(node.getTailnetId(), name, node.getNodeId());
      throw e;
    }
    claims.releaseName(node.getTailnetId(), node.getName(), node.getNodeId());
    return current(node);
  }

  /** Replaces the node's tags (already checked); a tagged node keeps at least one. */
  public NodeRecord tag(NodeRecord node, List<String> tags, Actor actor) {
    if (tags.equals(node.getTagsList())) {
      return node;
    }
    if (tags.isEmpty() && node.getUserId().isEmpty()) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST,
          "tags",
          "This node is owned by its tags; keep at least one or re-authenticate it as a user.");
    }
    append(
        node,
        actor,
        NodeTagsChanged.newBuilder()
            .setNodeId(node.getNodeId())
            .addAllOldTags(node.getTagsList())
            .addAllNewTags(tags)
            .setUserId(tags.isEmpty() ? node.getUserId() : "")
            .build(),
        "node " + node.getName() + " tags set to " + String.join(",", tags));
    return current(node);
  }

  /** Approves a node waiting for device approval (NodeAuthorized). */
  public NodeRecord approve(NodeRecord node, Actor actor) {
    if (node.getApproved()) {
      return node;
    }
    append(
        node,
        actor,
        NodeAuthorized.newBuilder().setNodeId(node.getNodeId()).setName(node.getName()).build(),
        "node " + node.getName() + " approved");
    return current(node);
  }

  /**
   * Replaces the node's approved routes with {@code routes} (already checked: canonical, sorted,
   * advertised) by NodeRoutesApproved; no event when they are already the approved set.
   */
  public NodeRecord approveRoutes(NodeRecord node, List<String> routes, Actor actor) {
    if (routes.equals(node.getApprovedRoutesList())) {
      return node;
    }
    append(
        node,
        actor,
        NodeRoutesApproved.newBuilder()
            .setNodeId(node.getNodeId())
            .addAllApprovedRoutes(routes)
            .addAllPreviousRoutes(node.getApprovedRoutesList())
            .setName(node.getName())
            .build(),
        "node "
            + node.getName()
            + " routes approved: "
            + RouteText.describe(routes)
            + " (were: "
            + RouteText.describe(node.getApprovedRoutesList())
            + ")");
    return current(node);
  }

  /** Records the node's new disco key when it differs (DiscoKeyChanged). */
  public NodeRecord disco(NodeRecord node, byte[] discoKey, Actor actor) {
    if (Arrays.equals(node.getDiscoKey().toByteArray(), discoKey)) {
      return node;
    }
    append(
        node,
        actor,
        DiscoKeyChanged.newBuilder()
            .setNodeId(node.getNodeId())
            .setOldDiscoKey(node.getDiscoKey())
            .setNewDiscoKey(ByteString.copyFrom(discoKey))
            .build(),
        "node " + node.getName() + " changed its disco key");
    return current(node);
  }

  /** Removes the node (NodeRemoved) once, however many instances decide it. */
  public void remove(NodeRecord node, NodeRemovalReason reason, Actor actor) {
    String fact = "removed|" + node.getNodeId();
    if (!claims.once(fact, actor.getId())) {
      return;
    }
    try {
      append(
          node,
          actor,
          NodeRemoved.newBuilder()
              .setNodeId(node.getNodeId())
              .setReason(reason)
              .setNodeKey(node.getNodeKey())
              .setName(node.getName())
              .build(),
          "node " + node.getName() + " removed (" + reason.name().toLowerCase() + ")");
    } catch (RuntimeException e) {
      claims.forget(fact, actor.getId());
      throw e;
    }
    claims.releaseNodeKey(node.getNodeKey().toByteArray(), node.getNodeId());
    claims.releaseName(node.getTailnetId(), node.getName(), node.getNodeId());
  }

  /** Logs the node out: an ephemeral node is removed, any other has its key expired now. */
  public void logout(NodeRecord node, Actor actor) {
    if (node.getEphemeral()) {
      remove(node, NodeRemovalReason.LOGGED_OUT, actor);
    } else {
      expire(node, actor, ts(clock.instant()), "expired by logout");
    }
  }

  private void append(NodeRecord node, Actor actor, com.google.protobuf.Message payload, String s) {
    log.appendAndApply(
        events.draft(node.getTailnetId(), node.getNodeId(), actor, payload).subject(s).build());
  }

  private NodeRecord current(NodeRecord node) {
    return store.byId(node.getNodeId()).orElse(node);
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
