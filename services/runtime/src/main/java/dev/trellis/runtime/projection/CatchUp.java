package dev.trellis.runtime.projection;

import dev.trellis.runtime.eventlog.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until projections' positions (in Hazelcast) reach the end offsets their topics had when the
 * wait began, whichever instance applied the events. Stateless and thread-safe.
 */
final class CatchUp {
  private static final long POLL_MS = 20;

  private CatchUp() {}

  static Future<Void> await(
      Vertx vertx, EventLog log, Map<Projection, Applier> appliers, Duration timeout) {
    List<String> topics =
        appliers.keySet().stream().flatMap(p -> p.topics().stream()).distinct().toList();
    if (topics.isEmpty()) {
      return Future.succeededFuture();
    }
    return log.endOffsets(topics)
        .compose(
            ends ->
                vertx.executeBlocking(
                    () -> {
                      waitFor(appliers, ends, timeout);
                      return null;
                    },
                    false));
  }

  private static void waitFor(
      Map<Projection, Applier> appliers, Map<TopicPartition, Long> ends, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> behind = new ArrayList<>();
      appliers.forEach(
          (p, a) -> {
            for (String topic : p.topics()) {
              ends.forEach(
                  (tp, end) -> {
                    if (tp.topic().equals(topic)) {
                      long at = a.position(topic, tp.partition());
                      if (at < end) {
                        behind.add(p.name() + " " + tp + " at " + at + " of " + end);
                      }
                    }
                  });
            }
          });
      if (behind.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("projections not caught up after " + timeout + ": " + behind);
      }
      Thread.sleep(POLL_MS);
    }
  }
}
