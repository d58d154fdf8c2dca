package dev.trellis.load.device;

import dev.trellis.netlab.BridgedLan;
import dev.trellis.netlab.Command;
import dev.trellis.netlab.NetLab;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The device benchmarks' lab: a {@link NetLab} with one {@link BridgedLan} (the root namespace on
 * it at {@link #hostIp}, where the server listens; device namespaces plugged in by {@link
 * #device()}), closed by a shutdown hook too when the benchmark is interrupted (Ctrl-C, SIGTERM).
 * The lab stops the processes it started by PID and deletes exactly what it created; its directory
 * is kept only with {@code -Dtrellis.bench.keep=true}.
 *
 * <p>Thread-safety: synchronised on {@code this}; the benchmark's main thread drives it, the
 * shutdown hook may close it from another.
 */
final class DeviceLab implements AutoCloseable {
  private static final int MAX_DEVICES = 200;

  final String tag;
  final String hostIp;
  final Path dir;
  private final NetLab lab;
  private final BridgedLan lan;
  private final Thread cleanup = new Thread(this::close, "device-lab-cleanup");
  private int devices; // guarded by this
  private boolean closed; // guarded by this

  DeviceLab() throws IOException {
    lab = NetLab.create("trellis-bench", Boolean.getBoolean("trellis.bench.keep"));
    tag = lab.tag();
    dir = lab.dir();
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      lan = BridgedLan.create(lab);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    hostIp = lan.hostIp();
  }

  /** A new device namespace on the bridge; returns its name. */
  synchronized String device() throws IOException {
    if (++devices > MAX_DEVICES) {
      throw new IOException("a lab holds at most " + MAX_DEVICES + " devices");
    }
    return lan.device();
  }

  /** Starts a tracked background process with {@code env} added; output goes to {@code log}. */
  synchronized Process start(List<String> cmd, Map<String, String> env, Path log)
      throws IOException {
    return lab.start(cmd, log, env);
  }

  /** Stops one process this lab started: SIGTERM, then SIGKILL after 10 s. */
  static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code cmd} in {@code ns}; returns its output, or throws naming the command. */
  static String in(String ns, String... cmd) throws IOException {
    return sh(NetLab.in(ns, List.of(cmd)).toArray(String[]::new));
  }

  /** Runs a command to completion (at most 120 s); returns its output or throws. */
  static String sh(String... cmd) throws IOException {
    return Command.check(cmd);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != cleanup) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook finds the lab closed
      }
    }
    lab.close();
  }
}
