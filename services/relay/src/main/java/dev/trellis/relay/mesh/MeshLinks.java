package dev.trellis.relay.mesh;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.Forwarder;
import dev.trellis.relay.forward.Forwarder.Remote;
import dev.trellis.relay.forward.QueueBudget;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The mesh as the {@link Forwarder} sees it: presence lookups from the {@link Presence} replica,
 * and one lazily dialled {@link MeshLink} per other instance. A link is dialled on the first packet
 * for that instance (its record looked up in Hazelcast off the event loop); a dead link is replaced
 * on the next packet, at most once per second per instance.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class MeshLinks implements Forwarder.Mesh {
  private static final long REDIAL_MILLIS = 1000;

  private final Vertx vertx;
  private final Presence presence;
  private final Supplier<String> credential;
  private final long perSourceBytes;
  private final QueueBudget budget;
  private final ConcurrentHashMap<String, MeshLink> links = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> lastDial = new ConcurrentHashMap<>();

  public MeshLinks(
      Vertx vertx,
      Presence presence,
      Supplier<String> credential,
      long perSourceBytes,
      QueueBudget budget) {
    this.vertx = vertx;
    this.presence = presence;
    this.credential = credential;
    this.perSourceBytes = perSourceBytes;
    this.budget = budget;
  }

  @Override
  public Remote locate(NodePublicKey key) {
    return presence.locate(key);
  }

  @Override
  public boolean forward(
      Remote where, ConnectedDevice source, NodePublicKey destination, byte[] packet) {
    MeshLink link = links.get(where.instanceId());
    if (link == null || link.dead()) {
      link = dial(where.instanceId());
      if (link == null) {
        return false;
      }
    }
    return link.offer(
        source, MeshLink.forwardFrame(source.key().toBytes(), destination.toBytes(), packet));
  }

  @Override
  public void connected(ConnectedDevice client) {
    presence.connected(client);
  }

  @Override
  public void disconnected(ConnectedDevice client) {
    presence.disconnected(client);
  }

  /** Closes every link. */
  public void close() {
    links.values().forEach(MeshLink::close);
    links.clear();
  }

  private MeshLink dial(String instanceId) {
    long now = System.currentTimeMillis();
    Long last = lastDial.get(instanceId);
    if (last != null && now - last < REDIAL_MILLIS) {
      MeshLink pending = links.get(instanceId);
      return pending != null && !pending.dead() ? pending : null;
    }
    lastDial.put(instanceId, now);
    // The link accepts frames at once (queued) and dials once the instance's record is known.
    MeshLink[] holder = new MeshLink[1];
    MeshLink link =
        new MeshLink(instanceId, perSourceBytes, budget, () -> links.remove(instanceId, holder[0]));
    holder[0] = link;
    MeshLink old = links.put(instanceId, link);
    if (old != null) {
      old.close();
    }
    vertx
        .executeBlocking(() -> presence.instance(instanceId))
        .onComplete(
            ar -> {
              InstanceRecord record = ar.succeeded() ? ar.result() : null;
              if (record == null) {
                link.close();
                return;
              }
              link.retarget(record);
              link.connect(vertx, credential);
            });
    return link;
  }
}
