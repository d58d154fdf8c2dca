package dev.trellis.relay.revalidation;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.trellis.relay.auth.Authorization;
import dev.trellis.relay.auth.NodeAuthorizer;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.Forwarder;
import dev.trellis.relay.forward.RelayMetrics;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.UUID;

/**
 * Keeps connected devices authorized: a listener on the key registry's node map closes a device as
 * soon as its node is removed, expired, revoked, unapproved or its key rotated, and a periodic
 * re-check of every connected device catches anything the listener missed. Closed devices count as
 * {@code revoked_while_connected}.
 *
 * <p>Thread-safety: thread-safe; listener callbacks run on Hazelcast event threads and only read
 * the forwarder's concurrent map and close clients (which hops to their event loop).
 */
public final class Revalidation
    implements EntryUpdatedListener<String, byte[]>,
        EntryRemovedListener<String, byte[]>,
        EntryEvictedListener<String, byte[]> {
  private final Vertx vertx;
  private final NodeAuthorizer authorizer;
  private final Forwarder forwarder;
  private final RelayMetrics metrics;
  private final Clock clock;
  private UUID listener;
  private long timer = -1;

  public Revalidation(
      Vertx vertx,
      NodeAuthorizer authorizer,
      Forwarder forwarder,
      RelayMetrics metrics,
      Clock clock) {
    this.vertx = vertx;
    this.authorizer = authorizer;
    this.forwarder = forwarder;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Starts the listener (blocking call to Hazelcast) and the periodic re-check. */
  public void start(java.time.Duration every) {
    listener = authorizer.nodes().addEntryListener(this, true);
    timer = vertx.setPeriodic(every.toMillis(), id -> recheckAll());
  }

  /** Stops both. */
  public void stop() {
    vertx.cancelTimer(timer);
    if (listener != null) {
      authorizer.nodes().removeEntryListener(listener);
    }
  }

  @Override
  public void entryUpdated(EntryEvent<String, byte[]> e) {
    judge(e.getKey(), e.getValue());
  }

  @Override
  public void entryRemoved(EntryEvent<String, byte[]> e) {
    judge(e.getKey(), null);
  }

  @Override
  public void entryEvicted(EntryEvent<String, byte[]> e) {
    judge(e.getKey(), null);
  }

  private void judge(String nodeId, byte[] record) {
    for (ConnectedDevice c : forwarder.clients()) {
      if (!c.nodeId().equals(nodeId)) {
        continue;
      }
      Authorization a = NodeAuthorizer.judge(nodeId, record, c.key(), clock.instant());
      if (!a.isAllowed() || !a.tailnetId().equals(c.tailnetId())) {
        revoke(c, a.isAllowed() ? "moved_tailnet" : a.refusal());
      }
    }
  }

  private void recheckAll() {
    for (ConnectedDevice c : forwarder.clients()) {
      authorizer
          .check(c.key())
          .onSuccess(
              a -> {
                if (!a.isAllowed() || !a.tailnetId().equals(c.tailnetId())) {
                  revoke(c, a.isAllowed() ? "moved_tailnet" : a.refusal());
                }
              });
    }
  }

  private void revoke(ConnectedDevice c, String reason) {
    metrics.refused("revoked_while_connected");
    c.close("this node may no longer use the relay: " + reason);
  }
}
