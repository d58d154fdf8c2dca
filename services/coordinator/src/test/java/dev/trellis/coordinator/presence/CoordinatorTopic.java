package dev.trellis.coordinator.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.state.EmbeddedMember;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * For the presence tests: the coordinator topic of a real broker read back and folded into the
 * test's model in log order, and the real Hazelcast members the coordinators run on.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class CoordinatorTopic {
  private final Supplier<EventLog> log;

  /** How many of the topic's events the test's model has folded. */
  private int folded;

  CoordinatorTopic(Supplier<EventLog> log) {
    this.log = log;
  }

  /**
   * Waits until the coordinator topic holds {@code count} events, then folds the ones the model has
   * not seen into it, in log order.
   */
  List<EventEnvelope> fold(NetmapModel model, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<EventEnvelope> all;
    do {
      all = readAll();
      if (all.size() >= count) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertEquals(count, all.size(), "events on the coordinator topic: " + types(all));
    for (EventEnvelope e : all.subList(folded, all.size())) {
      model.apply(e);
    }
    folded = all.size();
    return all;
  }

  /** Every event on the coordinator topic, in log order. */
  List<EventEnvelope> readAll() {
    List<EventEnvelope> out = Collections.synchronizedList(new ArrayList<>());
    log.get()
        .replay(
            Topics.COORDINATOR,
            ReplayStart.beginning(),
            e -> {
              out.add(e.envelope());
              return Future.succeededFuture();
            })
        .await();
    return new ArrayList<>(out);
  }

  static List<String> types(List<EventEnvelope> all) {
    return all.stream().map(EventEnvelope::getType).toList();
  }

  /** A Hazelcast member on {@code port} joining the one on {@code other}, its state under dir. */
  static HazelcastInstance member(Path dir, int port, int other, String cluster) {
    return EmbeddedMember.start(
        Settings.parse(
            new String[] {
              "--state-dir",
              dir.resolve("hz-" + port).toString(),
              "--hazelcast-port",
              "" + port,
              "--hazelcast-interface",
              "127.0.0.1",
              "--hazelcast-members",
              "127.0.0.1:" + other,
              "--hazelcast-cluster",
              cluster
            },
            Map.of()));
  }
}
