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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep of one instance over the nodes whose records live on its Hazelcast member:
 * removes an ephemeral node that has been offline longer than the grace period (NodeRemoved
 * EPHEMERAL_OFFLINE) at every pass, and appends NodeKeyExpired for a key whose expiry has passed at
 * every {@link #EXPIRY_EVERY}th pass (key expiry is not a sub-second matter). Both are guarded in
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

  /** Key expiries are checked every this many passes (every 10 s by default). */
  static final int EXPIRY_EVERY = 10;

  private static final int BATCH = 500;

  private volatile boolean running = true;
  private long passes;
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

  /**
   * One pass: ephemeral nodes offline past the grace, among this member's offline nodes (few); and
   * every {@link #EXPIRY_EVERY}th pass, key expiries over all of this member's nodes, read in
   * batches. Reading every node every second cost 10,000 map reads a second at 10,000 nodes.
   */
  void sweepOnce() {
    Instant now = clock.instant();
    removeEphemeralOffline(now);
    if (passes++ % EXPIRY_EVERY == 0) {
      expireKeys(now);
    }
  }

  private void removeEphemeralOffline(Instant now) {
    Map<String, Long> offline = store.localOffline();
    Set<String> due = new HashSet<>();
    offline.forEach(
        (id, since) -> {
          if (!Instant.ofEpochMilli(since).plus(ephemeralGrace).isAfter(now)) {
            due.add(id);
          }
        });
    if (due.isEmpty()) {
      return;
    }
    for (NodeRecord node : store.byIds(due).values()) {
      if (!running) {
        return;
      }
      if (node.getEphemeral()) {
        commands.remove(node, NodeRemovalReason.EPHEMERAL_OFFLINE, ACTOR);
        removed.increment();
      }
    }
  }

  private void expireKeys(Instant now) {
    List<String> ids = new ArrayList<>(store.localIds());
    for (int i = 0; i < ids.size() && running; i += BATCH) {
      Set<String> batch = new HashSet<>(ids.subList(i, Math.min(ids.size(), i + BATCH)));
      for (NodeRecord node : store.byIds(batch).values()) {
        if (!node.getExpired() && !node.getKeyExpiryDisabled() && node.hasKeyExpiry()) {
          Instant at =
              Instant.ofEpochSecond(
                  node.getKeyExpiry().getSeconds(), node.getKeyExpiry().getNanos());
          if (!at.isAfter(now)) {
            commands.expire(node, ACTOR, node.getKeyExpiry(), "reached its expiry");
            expired.increment();
          }
        }
      }
    }
  }
}
