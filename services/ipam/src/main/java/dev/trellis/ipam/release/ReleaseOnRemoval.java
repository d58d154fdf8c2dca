package dev.trellis.ipam.release;

import dev.trellis.ipam.allocate.Allocator;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.Subscription;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a node's addresses back when the key registry removes the node: consumes {@code
 * trellis.keys} in consumer group {@value #GROUP} (instances share the partitions; a new group
 * starts at the beginning, where releasing nodes that hold nothing is a no-op) and, for each {@code
 * NodeRemoved}, releases the node's addresses through the {@link Allocator} (which appends {@code
 * AddressReleased} with the cool-down). Delivery is at least once; a NodeRemoved handled again
 * finds the node holding nothing and does nothing. A failed release fails the handler, so the event
 * is delivered again.
 *
 * <p>Thread-safety: thread-safe; the handler runs on the subscription's consumer thread and hands
 * the release to a command thread.
 */
public final class ReleaseOnRemoval {
  /** The consumer group. */
  public static final String GROUP = "trellis-ipam-release";

  /** The actor of releases: the ipam service itself. */
  static final Actor ACTOR =
      Actor.newBuilder()
          .setKind(Actor.Kind.SYSTEM)
          .setId("service:ipam")
          .setDisplay("ipam")
          .build();

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseOnRemoval.class);
  private static final String NODE_REMOVED = NodeRemoved.getDescriptor().getFullName();

  private final Subscription subscription;

  private ReleaseOnRemoval(Subscription subscription) {
    this.subscription = subscription;
  }

  /** Starts consuming. */
  public static ReleaseOnRemoval start(EventLog log, CommandThreads threads, Allocator allocator) {
    return new ReleaseOnRemoval(
        log.subscribe(GROUP, List.of(Topics.KEYS), event -> handle(event, threads, allocator)));
  }

  private static Future<Void> handle(
      LoggedEvent event, CommandThreads threads, Allocator allocator) {
    EventEnvelope e = event.envelope();
    if (!NODE_REMOVED.equals(e.getType())) {
      return Future.succeededFuture();
    }
    NodeRemoved removed;
    try {
      removed = Events.payload(e, NodeRemoved.getDefaultInstance());
    } catch (UnreadableEventException bad) {
      LOG.warn(
          "skipping unreadable NodeRemoved {} at {}/{}/{}: {}",
          e.getEventId(),
          event.topic(),
          event.partition(),
          event.offset(),
          bad.getMessage());
      return Future.succeededFuture();
    }
    if (removed.getNodeId().isEmpty() || e.getTailnetId().isEmpty()) {
      return Future.succeededFuture();
    }
    return threads
        .run(() -> allocator.release(e.getTailnetId(), removed.getNodeId(), ACTOR, e.getEventId()))
        .map(
            released -> {
              released.ifPresent(
                  a ->
                      LOG.info(
                          "released {} {} of removed node {} in tailnet {}",
                          a.ipv4(),
                          a.ipv6(),
                          removed.getNodeId(),
                          e.getTailnetId()));
              return null;
            });
  }

  /** Stops consuming. */
  public Future<Void> stop() {
    return subscription.stop();
  }
}
