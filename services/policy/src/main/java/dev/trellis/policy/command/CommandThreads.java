package dev.trellis.policy.command;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs policy commands on virtual threads, where they may block on a Hazelcast lock, the event log
 * and the projection, and hands the result back as a Vert.x future on the caller's context.
 * Hazelcast map locks belong to the thread that takes them, so a command runs start to end on one
 * of these threads.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class CommandThreads implements AutoCloseable {
  static final long STEP_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("policy-command-", 0).factory());

  public CommandThreads(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Runs {@code command} on a command thread. */
  public <T> Future<T> run(Callable<T> command) {
    var ctx = vertx.getOrCreateContext();
    CompletableFuture<T> done = new CompletableFuture<>();
    threads.execute(
        () -> {
          try {
            done.complete(command.call());
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
    return Future.fromCompletionStage(done, ctx);
  }

  /** Waits for {@code f} on a command thread; unchecked failures are rethrown unchanged. */
  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage()
          .toCompletableFuture()
          .get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw ApiException.of(ErrorCode.INTERNAL, "A step of the command failed.", cause);
    } catch (TimeoutException e) {
      throw ApiException.of(ErrorCode.UNAVAILABLE, "The event log did not answer in time.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.of(ErrorCode.UNAVAILABLE, "Interrupted.", e);
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
