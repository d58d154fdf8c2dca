package dev.trellis.keys.lifecycle;

import dev.trellis.keys.state.NodeStore;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.state.v1.NodeRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep of one instance over the nodes whose records live on its Hazelcast member:
 * appends NodeKeyExpired for a key whose expiry has passed, and removes an ephemeral node that has
 * been offline longer than the grace period (NodeRemoved EPHEMERAL_OFFLINE). Both are guarded in
 * {@link NodeCommands}, so two instances sweeping one node during a partition migration append one
 * event.
 *
 * <p>Thread-safety: runs on its own virtual thread ({@code keys-sweep}); {@link #stop} from any
 * thread.
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

  /** The actor of events the sweep appends. */
  public static final Actor ACTOR =
      Actor.newBuilder()
          .setKind(Actor.Kind.SYSTEM)
          .setId("service:keys")
          .setDisplay("key registry")
          .build();

  private final NodeStore store;
  private final NodeCommands commands;
  private final Clock clock;
  private final Duration interval;
  private final Duration ephemeralGrace;
  private final Counter expired;
  private final Counter removed;
  private volatile boolean running = true;
  private final Thread thread;

  public Sweep(
      NodeStore store,
      NodeCommands commands,
      Clock clock,
      Duration interval,
      Duration ephemeralGrace,
      MeterRegistry meters) {
    this.store = store;
    this.commands = commands;
    this.clock = clock;
    this.interval = interval;
    this.ephemeralGrace = ephemeralGrace;
    this.expired = Counter.builder("trellis_keys_expired_total").register(meters);
    this.removed = Counter.builder("trellis_keys_ephemeral_removed_total").register(meters);
    this.thread = Thread.ofVirtual().name("keys-sweep").unstarted(this::loop);
  }

  /** Starts sweeping. */
  public void start() {
    thread.start();
  }

  /** Stops after the current pass. */
  public void stop() {
    running = false;
    thread.interrupt();
  }

  private void loop() {
    while (running) {
      try {
        sweepOnce();
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("key sweep pass failed: {}", e.toString());
        }
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One pass over this member's nodes. */
  void sweepOnce() {
    Instant now = clock.instant();
    for (String id : store.localIds()) {
      if (!running) {
        return;
      }
      NodeRecord node = store.byId(id).orElse(null);
      if (node == null) {
        continue;
      }
      if (node.getEphemeral()) {
        var since = store.offlineSince(id);
        if (since.isPresent()
            && !Instant.ofEpochMilli(since.get()).plus(ephemeralGrace).isAfter(now)) {
          commands.remove(node, NodeRemovalReason.EPHEMERAL_OFFLINE, ACTOR);
          removed.increment();
          continue;
        }
      }
      if (!node.getExpired() && !node.getKeyExpiryDisabled() && node.hasKeyExpiry()) {
        Instant at =
            Instant.ofEpochSecond(node.getKeyExpiry().getSeconds(), node.getKeyExpiry().getNanos());
        if (!at.isAfter(now)) {
          commands.expire(node, ACTOR, node.getKeyExpiry(), "reached its expiry");
          expired.increment();
        }
      }
    }
  }
}
