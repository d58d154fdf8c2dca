package dev.trellis.netlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to completion: output and error merged, a deadline after which the command and
 * the processes it started are killed (by PID), and the exit code. The output is read on its own
 * thread, so a command that never closes its output cannot hang the caller past the deadline.
 *
 * <p>Thread-safety: stateless.
 */
public final class Command {
  /** The default deadline of {@link #check}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private Command() {}

  /** The outcome of a finished (or killed) command. */
  public record Result(int code, String out) {
    /** This result, or an {@link AssertionError} naming {@code what}, the exit and the output. */
    public Result requireOk(String what) {
      if (code != 0) {
        throw new AssertionError(what + " failed with exit " + code + ":\n" + out);
      }
      return this;
    }
  }

  /** Runs {@code cmd}; a command past {@code timeout} is killed and reported with code -1. */
  public static Result run(List<String> cmd, Duration timeout) throws IOException {
    return run(cmd, timeout, Map.of());
  }

  /** Runs {@code cmd} with {@code env} added to this process's environment. */
  public static Result run(List<String> cmd, Duration timeout, Map<String, String> env)
      throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().putAll(env);
    Process p = b.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.kill(p);
        reader.join(1000);
        return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", cmd));
      }
      // A child it left running may hold the output open: read until the deadline at most.
      reader.join(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      synchronized (out) {
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Processes.kill(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  /** Runs {@code cmd} and returns its output; fails with the exit code and output if not 0. */
  public static String check(String... cmd) throws IOException {
    Result r = run(List.of(cmd), DEFAULT_TIMEOUT);
    if (r.code() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + r.code() + ": " + r.out());
    }
    return r.out();
  }

  /** {@link #check} that ignores failure: for teardown, where what is gone is gone. */
  static void quietly(String... cmd) {
    try {
      run(List.of(cmd), Duration.ofSeconds(30));
    } catch (IOException e) {
      // best effort in teardown
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      // the process is gone; what was read is kept
    }
  }
}
