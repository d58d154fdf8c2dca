package dev.trellis.runtime.projection;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.eventlog.EventHandler;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.Subscription;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps projections' live Hazelcast maps up to date from the log. Each projection consumes its
 * topics in consumer group {@code trellis-projection-<name>}, so instances of a service share the
 * partitions and, through Hazelcast, the state.
 *
 * <p>The position of each partition is kept in Hazelcast beside the state, and a newly assigned
 * partition resumes from there (not from Kafka's committed offset): a redelivered event is skipped,
 * and if the Hazelcast state is lost, its positions are lost with it and the projection is rebuilt
 * by replay from the beginning. Duplicate event ids are applied once (see {@link Applier}).
 *
 * <p>Thread-safety: thread-safe; each projection is applied on its subscription's consumer thread.
 */
public final class ProjectionRunner {
  /** How long applied event ids are remembered for duplicate detection. */
  public static final Duration EVENT_ID_TTL = Duration.ofDays(7);

  private final Vertx vertx;
  private final EventLog log;
  private final Map<Projection, Applier> appliers;
  private final List<Subscription> subscriptions = new ArrayList<>();

  private ProjectionRunner(Vertx vertx, EventLog log, Map<Projection, Applier> appliers) {
    this.vertx = vertx;
    this.log = log;
    this.appliers = appliers;
  }

  /** Starts consuming for every projection. Projection names must be distinct. */
  public static ProjectionRunner start(
      Vertx vertx, EventLog log, HazelcastInstance hazelcast, List<Projection> projections) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(hazelcast, "hazelcast");
    Set<String> names = new HashSet<>();
    Map<Projection, Applier> appliers = new LinkedHashMap<>();
    for (Projection p : projections) {
      ProjectionMaps.checkName(p.name(), "projection");
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("two projections named " + p.name());
      }
      appliers.put(p, new Applier(hazelcast, "", p, EVENT_ID_TTL));
    }
    ProjectionRunner runner = new ProjectionRunner(vertx, log, appliers);
    appliers.forEach(
        (p, a) ->
            runner.subscriptions.add(
                log.subscribe(groupId(p), p.topics(), handler(a), a::positions)));
    return runner;
  }

  /** The consumer group of a projection. */
  public static String groupId(Projection p) {
    return "trellis-projection-" + p.name();
  }

  private static EventHandler handler(Applier applier) {
    return new EventHandler() {
      @Override
      public Future<Void> handle(LoggedEvent event) {
        applier.apply(event);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> skipped(String topic, int partition, long offset, String reason) {
        applier.skip(topic, partition, offset);
        return Future.succeededFuture();
      }
    };
  }

  /**
   * Completes when the live maps reflect every event appended before this call (on whichever
   * instance applied it); fails after 60 s.
   */
  public Future<Void> awaitCaughtUp() {
    return awaitCaughtUp(Duration.ofSeconds(60));
  }

  /** Like {@link #awaitCaughtUp()} with a given timeout. */
  public Future<Void> awaitCaughtUp(Duration timeout) {
    return CatchUp.await(vertx, log, appliers, timeout);
  }

  /** Stops every projection's consumer. */
  public Future<Void> stop() {
    List<Future<Void>> stops = new ArrayList<>();
    subscriptions.forEach(s -> stops.add(s.stop()));
    return Future.all(stops).mapEmpty();
  }
}
