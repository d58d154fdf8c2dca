package dev.trellis.netlab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops processes by PID: SIGTERM to each, one grace period shared by all, then SIGKILL to those
 * still running and to the descendants they had when the stop began (a launcher script's JVM, a
 * command {@code ip netns exec} started). Never by name.
 *
 * <p>Thread-safety: stateless.
 */
final class Processes {
  private Processes() {}

  /** Stops {@code processes}, in order, within {@code graceSeconds} plus a little. */
  static void stop(List<Process> processes, int graceSeconds) {
    List<ProcessHandle> descendants = new ArrayList<>();
    for (Process p : processes) {
      descendants.addAll(p.descendants().toList());
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
    for (Process p : processes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroyForcibly();
      }
    }
  }

  /** SIGKILL to {@code p} and its descendants, at once. */
  static void kill(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroyForcibly();
    for (ProcessHandle d : descendants) {
      d.destroyForcibly();
    }
  }
}
