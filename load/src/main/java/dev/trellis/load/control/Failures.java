package dev.trellis.load.control;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The failures of one load run: each is printed at once ({@code FAILED: ...}) and kept; the run
 * exits 1 if there is any.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Failures {
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  void add(String what) {
    failures.add(what);
    System.out.println("FAILED: " + what);
  }

  List<String> list() {
    return List.copyOf(failures);
  }
}
