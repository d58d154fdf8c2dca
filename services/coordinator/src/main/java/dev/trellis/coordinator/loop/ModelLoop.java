package dev.trellis.coordinator.loop;

import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.stream.StreamHub;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.BiFunction;

/**
 * The one thread that owns the netmap model and the stream hub: every read or change of either runs
 * here, in order, so neither needs locks.
 *
 * <p>Thread-safety: {@link #call} may be used from any thread.
 */
public final class ModelLoop {
  private final Context context;
  private final NetmapModel model;
  private final StreamHub hub;

  public ModelLoop(Context context, NetmapModel model, StreamHub hub) {
    this.context = context;
    this.model = model;
    this.hub = hub;
  }

  /** Runs {@code work} on the model's thread and completes with its result. */
  public <T> Future<T> call(BiFunction<NetmapModel, StreamHub, T> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            p.complete(work.apply(model, hub));
          } catch (RuntimeException e) {
            p.fail(e);
          }
        });
    return p.future();
  }

  /** The model's Vert.x context. */
  public Context context() {
    return context;
  }
}
