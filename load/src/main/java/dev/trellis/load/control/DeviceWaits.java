package dev.trellis.load.control;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waiting on simulated devices: until every device of a list is in some state, until their streams
 * are quiet, or for one device's Vert.x future.
 *
 * <p>Thread-safety: stateless; the waits poll from the caller's thread.
 */
final class DeviceWaits {
  private DeviceWaits() {}

  /** Whether every device of {@code ds} is {@code done} within {@code seconds}. */
  static boolean waitFor(List<SimDevice> ds, Predicate<SimDevice> done, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (ds.stream().allMatch(done)) {
        return true;
      }
      Thread.sleep(10);
    }
    return ds.stream().allMatch(done);
  }

  /** Waits (up to 60 s) until no device of {@code ds} has received a frame for a second. */
  static void settle(List<SimDevice> ds) throws InterruptedException {
    long start = System.nanoTime();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
      long now = ds.stream().mapToLong(d -> d.frames.get()).sum();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1)) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** The result of {@code f}, waiting at most {@code seconds}. */
  static <T> T await(Future<T> f, int seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  /** Nanosecond figures as an array for {@link Table#latency}. */
  static long[] toArray(Collection<Long> q) {
    return q.stream().mapToLong(Long::longValue).toArray();
  }
}
