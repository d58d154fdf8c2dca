package dev.trellis.runtime.service;

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
 * Runs a service's commands on virtual threads, where they may block on Hazelcast (locks,
 * compare-and-set) and on the event log, and hands the result back as a Vert.x future. Hazelcast
 * map locks belong to the thread that takes them, so a command that locks runs start to end on one
 * of these threads. Used by the services that decide with Hazelcast locks (keys, ipam, policy).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class CommandThreads implements AutoCloseable {
  /** The longest a command waits for one step (an append, the projection). */
  public static final long STEP_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final ExecutorService threads;

  /** Command threads named {@code <service>-command-N}. */
  public CommandThreads(Vertx vertx, String service) {
    this.vertx = vertx;
    this.threads =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name(service + "-command-", 0).factory());
  }

  /** Runs {@code command} on a command thread; the future completes on the caller's context. */
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

  /** Waits for {@code f} on a command thread; rethrows its failure unchanged when unchecked. */
  public static <T> T await(Future<T> f) {
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
