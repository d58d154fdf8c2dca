package dev.trellis.agent.netconf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one system program ({@code ip}, {@code nft}, {@code resolvectl}) with arguments and optional
 * standard input, waits up to ten seconds, and turns a failure into an {@link IOException} that
 * quotes the command and what the program printed (and which Debian package provides it, when the
 * program is missing).
 *
 * <p>Thread-safety: immutable; commands may run from any thread.
 */
public final class ExternalProgram {
  private final String executable;
  private final String providedBy;

  /**
   * @param executable the program, looked up on the PATH unless it is a path
   * @param providedBy the package that provides it, named when it cannot be run
   */
  public ExternalProgram(String executable, String providedBy) {
    this.executable = executable;
    this.providedBy = providedBy;
  }

  /** The program's name as given. */
  public String executable() {
    return executable;
  }

  /** Runs {@code program ARGS...} and returns its output (stdout and stderr). */
  public String run(String... args) throws IOException {
    return runWithInput(null, args);
  }

  /** Runs {@code program ARGS...} with {@code input} on its standard input. */
  public String runWithInput(String input, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run '" + executable + "' (is " + providedBy + " installed?): " + e.getMessage(),
          e);
    }
    try {
      try (OutputStream in = p.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("'" + String.join(" ", cmd) + "' timed out");
      }
      String text = new String(out, StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0) {
        throw new IOException(
            "'" + String.join(" ", cmd) + "' failed (exit " + p.exitValue() + "): " + text);
      }
      return text;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", cmd), e);
    }
  }
}
