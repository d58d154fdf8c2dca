package dev.trellis.relay.auth;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Decides whether a proven node key may use the relay, from the key registry's projection in
 * Hazelcast ({@link StateMaps#NODE_KEYS} then {@link StateMaps#NODES}): the node must exist, hold
 * that key now, be approved, not expired, not revoked and its key expiry (if any) in the future.
 *
 * <p>Thread-safety: thread-safe; lookups are asynchronous and never block the calling event loop.
 */
public final class NodeAuthorizer {
  private final Vertx vertx;
  private final IMap<String, String> nodeKeys;
  private final IMap<String, byte[]> nodes;
  private final Clock clock;

  public NodeAuthorizer(Vertx vertx, HazelcastInstance hazelcast, Clock clock) {
    this.vertx = vertx;
    this.nodeKeys = hazelcast.getMap(StateMaps.NODE_KEYS);
    this.nodes = hazelcast.getMap(StateMaps.NODES);
    this.clock = clock;
  }

  /** The nodes map, for listening to changes of connected nodes. */
  public IMap<String, byte[]> nodes() {
    return nodes;
  }

  /** The verdict for {@code key}. */
  public Future<Authorization> check(NodePublicKey key) {
    String hex = HexFormat.of().formatHex(key.toBytes());
    var ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(nodeKeys.getAsync(hex), ctx)
        .compose(
            nodeId -> {
              if (nodeId == null) {
                return Future.succeededFuture(Authorization.refused("", "unknown_node"));
              }
              return Future.fromCompletionStage(nodes.getAsync(nodeId), ctx)
                  .map(raw -> judge(nodeId, raw, key, clock.instant()));
            });
  }

  /** The verdict for {@code key} given the node record bytes ({@code null} = removed). */
  public static Authorization judge(String nodeId, byte[] raw, NodePublicKey key, Instant now) {
    if (raw == null) {
      return Authorization.refused(nodeId, "unknown_node");
    }
    NodeRecord r;
    try {
      r = NodeRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      return Authorization.refused(nodeId, "unreadable_record");
    }
    if (!Arrays.equals(r.getNodeKey().toByteArray(), key.toBytes())) {
      return Authorization.refused(nodeId, "stale_key");
    }
    if (r.getRevoked()) {
      return Authorization.refused(nodeId, "revoked");
    }
    if (r.getExpired()) {
      return Authorization.refused(nodeId, "expired");
    }
    if (!r.getApproved()) {
      return Authorization.refused(nodeId, "not_approved");
    }
    Instant expiry = null;
    if (r.hasKeyExpiry() && !r.getKeyExpiryDisabled()) {
      expiry = Instant.ofEpochSecond(r.getKeyExpiry().getSeconds(), r.getKeyExpiry().getNanos());
      if (!now.isBefore(expiry)) {
        return Authorization.refused(nodeId, "expired");
      }
    }
    if (r.getTailnetId().isEmpty()) {
      return Authorization.refused(nodeId, "unreadable_record");
    }
    return Authorization.allowed(nodeId, r.getTailnetId(), expiry);
  }
}
