package dev.trellis.runtime.service;

import dev.trellis.runtime.projection.Projection;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import java.util.List;

/**
 * One Trellis service (identity, keys, ipam, policy, coordinator, relay, ...) as the {@link
 * ServiceHost} runs it: a name, the Kafka topics it owns, its projections, and a lifecycle. The
 * host registers its {@code trellis_service_up} gauge, runs its projections and gives it command
 * threads (see {@link ServiceContext}); {@link #start} mounts its routes on the context's router,
 * registers readiness checks and starts its own consumers and timers; it runs on the thread model
 * of {@link #threadingModel()} and must not block an event loop (use {@code executeBlocking} or a
 * virtual-thread service for blocking work).
 *
 * <p>Thread-safety: the host calls {@link #start} and {@link #stop} once each, on the service's
 * verticle context.
 */
public interface TrellisService {
  /** A short, stable name ({@code identity}, {@code coordinator}); used in logs and metrics. */
  String name();

  /** The Kafka topics this service appends to (the host makes sure they exist). */
  List<String> topics();

  /**
   * The projections of the log this service keeps in Hazelcast. The host runs them from before
   * {@link #start} until after {@link #stop} ({@link ServiceContext#projections()}), and verifies
   * them with {@code trellis-admin replay --verify}.
   */
  default List<Projection> projections() {
    return List.of();
  }

  /** Starts the service; the future completes when it can serve. */
  Future<Void> start(ServiceContext context);

  /** Stops the service (consumers, timers, resources); called in reverse start order. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  /** Where {@link #start} and the service's callbacks run (default: an event loop). */
  default ThreadingModel threadingModel() {
    return ThreadingModel.EVENT_LOOP;
  }
}
