package dev.trellis.coordinator.feed;

import dev.trellis.coordinator.loop.ModelLoop;
import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.register.PendingLogins;
import dev.trellis.coordinator.routes.RouteStates;
import dev.trellis.runtime.eventlog.EventHandler;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.eventlog.Subscription;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the model: follows the keys, ipam, coordinator and identity topics from the beginning (no
 * consumer group: every instance reads everything), applies each event on the {@link ModelLoop} and
 * hands the changes to the stream hub and the published route states (or a completed device login
 * to the pending logins). Caught up once every partition reached the end offset it had when
 * following began.
 *
 * <p>Thread-safety: handlers run on the log's consumer threads and wait for the model loop.
 */
public final class ModelFeed {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFeed.class);

  private final EventLog log;
  private final ModelLoop loop;
  private final PendingLogins pending;
  private final RouteStates routes;
  private final List<String> topics;
  private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private volatile Map<TopicPartition, Long> ends;

  public ModelFeed(
      EventLog log,
      ModelLoop loop,
      PendingLogins pending,
      RouteStates routes,
      List<String> topics) {
    this.routes = routes;
    this.log = log;
    this.loop = loop;
    this.pending = pending;
    this.topics = List.copyOf(topics);
  }

  /** Starts following; completes once the end offsets to catch up with are known. */
  public Future<Void> start() {
    return log.endOffsets(topics)
        .map(
            e -> {
              ends = Map.copyOf(e);
              for (String topic : topics) {
                subscriptions.add(log.follow(topic, ReplayStart.beginning(), handler()));
              }
              return null;
            });
  }

  /** Null when caught up, else what is behind. */
  public String behind() {
    Map<TopicPartition, Long> e = ends;
    if (e == null) {
      return "not following yet";
    }
    for (var entry : e.entrySet()) {
      long at = next.getOrDefault(entry.getKey(), 0L);
      if (at < entry.getValue()) {
        return "netmap model at " + entry.getKey() + " " + at + " of " + entry.getValue();
      }
    }
    return null;
  }

  /** Stops following. */
  public Future<Void> stop() {
    List<Future<Void>> f = new ArrayList<>();
    subscriptions.forEach(s -> f.add(s.stop()));
    return Future.join(f).mapEmpty();
  }

  private EventHandler handler() {
    return new EventHandler() {
      @Override
      public Future<Void> handle(LoggedEvent event) {
        return loop.<Void>call(
                (model, hub) -> {
                  try {
                    model.apply(
                        event.envelope(),
                        c -> {
                          if (c instanceof ModelChange.DeviceLoginCompleted d) {
                            // Older completions are past the pending registrations' TTL.
                            if (Events.time(event.envelope())
                                .isAfter(Instant.now().minus(Duration.ofMinutes(10)))) {
                              pending.completed(d.code(), d.tailnetId(), d.userId());
                            }
                          } else {
                            routes.changed(c);
                            hub.onChange(c);
                          }
                        });
                  } catch (UnreadableEventException e) {
                    LOG.warn("Skipped unreadable event at {}: {}", event.offset(), e.getMessage());
                  }
                  return null;
                })
            .onComplete(
                r ->
                    next.merge(
                        new TopicPartition(event.topic(), event.partition()),
                        event.offset() + 1,
                        Math::max))
            .recover(e -> Future.succeededFuture());
      }

      @Override
      public Future<Void> skipped(String topic, int partition, long offset, String reason) {
        next.merge(new TopicPartition(topic, partition), offset + 1, Math::max);
        return Future.succeededFuture();
      }
    };
  }
}
