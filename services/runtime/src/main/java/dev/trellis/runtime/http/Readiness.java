package dev.trellis.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of named {@link ReadinessCheck}s behind {@code GET /readyz}: the process is ready
 * only when every registered check passes. {@link #evaluate} runs all checks concurrently, each
 * bounded by a timeout, and reports per check {@code "ok"} or the reason it is not ready.
 *
 * <p>Thread-safety: thread-safe; checks may be registered and removed while requests evaluate.
 */
public final class Readiness {
  private final Map<String, ReadinessCheck> checks = new ConcurrentHashMap<>();
  private final Duration timeout;

  /** A registry whose checks each get {@code timeout} to answer. */
  public Readiness(Duration timeout) {
    this.timeout = timeout;
  }

  /** Registers {@code check} under {@code name}, replacing any check of that name. */
  public void register(String name, ReadinessCheck check) {
    checks.put(name, check);
  }

  /** Removes the check called {@code name}. */
  public void remove(String name) {
    checks.remove(name);
  }

  /** The outcome of one evaluation. */
  public record Report(boolean ready, Map<String, String> checks) {
    /** The failing checks as {@code name: reason}, joined with {@code "; "}. */
    public String failures() {
      List<String> out = new ArrayList<>();
      checks.forEach(
          (name, result) -> {
            if (!"ok".equals(result)) {
              out.add(name + ": " + result);
            }
          });
      return String.join("; ", out);
    }
  }

  /** Runs every check (each bounded by the timeout) and reports the results in name order. */
  public Future<Report> evaluate(Vertx vertx) {
    List<String> names = new ArrayList<>(checks.keySet());
    names.sort(null);
    List<Future<String>> results = new ArrayList<>();
    for (String name : names) {
      ReadinessCheck check = checks.get(name);
      results.add(check == null ? Future.succeededFuture("ok") : run(vertx, check));
    }
    return Future.join(results)
        .transform(
            ignored -> {
              Map<String, String> report = new LinkedHashMap<>();
              boolean ready = true;
              for (int i = 0; i < names.size(); i++) {
                String result = results.get(i).result();
                report.put(names.get(i), result);
                ready &= "ok".equals(result);
              }
              return Future.succeededFuture(new Report(ready, report));
            });
  }

  private Future<String> run(Vertx vertx, ReadinessCheck check) {
    Promise<String> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            id -> promise.tryComplete("no answer within " + timeout.toMillis() + " ms"));
    Future<Void> answer;
    try {
      answer = check.check();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            promise.tryComplete("ok");
          } else {
            String reason = result.cause().getMessage();
            promise.tryComplete(
                reason == null ? result.cause().getClass().getSimpleName() : reason);
          }
        });
    return promise.future();
  }
}
