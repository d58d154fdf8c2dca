package dev.trellis.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.metrics.PrometheusMetrics;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The recorder fails on an event loop that sleeps or computes past the limit, names the code that
 * held it, and lets short tasks pass: a real Vert.x with the tests' limits.
 */
class BlockedEventLoopsTest {
  private final BlockedEventLoops loops = new BlockedEventLoops();
  private PrometheusMetrics metrics;
  private Vertx vertx;

  @BeforeEach
  void start() {
    metrics = PrometheusMetrics.create("blocked-loops-test");
    vertx = loops.vertx("probe", metrics);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    metrics.close();
  }

  private void onEventLoop(Runnable task) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(
        v -> {
          task.run();
          done.complete(null);
        });
    done.get(30, TimeUnit.SECONDS);
    Thread.sleep(2 * BlockedEventLoops.CHECK_INTERVAL.toMillis());
  }

  @Test
  void aSleepOnTheEventLoopFailsNamingTheSleeper() throws Exception {
    onEventLoop(BlockedEventLoopsTest::sleepPastTheLimit);
    AssertionError e = assertThrows(AssertionError.class, loops::assertNone);
    assertTrue(e.getMessage().startsWith("1 blocked Vert.x thread(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("probe: thread vert.x-eventloop-thread-"), e.getMessage());
    assertTrue(e.getMessage().contains("sleepPastTheLimit"), e.getMessage());
    assertDoesNotThrow(loops::assertNone, "a block is reported once");
  }

  @Test
  void computingPastTheLimitFails() throws Exception {
    onEventLoop(BlockedEventLoopsTest::spinPastTheLimit);
    AssertionError e = assertThrows(AssertionError.class, loops::assertNone);
    assertTrue(e.getMessage().contains("spinPastTheLimit"), e.getMessage());
  }

  @Test
  void shortTasksPass() throws Exception {
    for (int i = 0; i < 20; i++) {
      onEventLoop(() -> {});
    }
    assertDoesNotThrow(loops::assertNone);
  }

  private static void sleepPastTheLimit() {
    try {
      Thread.sleep(BlockedEventLoops.MAX_EVENT_LOOP_TIME.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Uses twice the limit in CPU time, however long that takes on a busy machine. */
  private static void spinPastTheLimit() {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long target =
        mx.getCurrentThreadCpuTime() + 2 * BlockedEventLoops.MAX_EVENT_LOOP_TIME.toNanos();
    long x = 0;
    while (mx.getCurrentThreadCpuTime() < target) {
      for (int i = 0; i < 10_000; i++) {
        x += i * 31L;
      }
    }
    if (x == 42) {
      throw new IllegalStateException("unreachable");
    }
  }
}
