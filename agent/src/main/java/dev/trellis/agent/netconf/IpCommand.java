package dev.trellis.agent.netconf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one iproute2 {@code ip} command and turns a failure into an {@link IOException} that quotes
 * the command and what {@code ip} printed.
 *
 * <p>Thread-safety: stateless; commands may run from any thread.
 */
public final class IpCommand {
  private final String executable;

  /** Uses {@code ip} from the PATH. */
  public IpCommand() {
    this("ip");
  }

  /** Uses the given {@code ip} executable. */
  public IpCommand(String executable) {
    this.executable = executable;
  }

  /** Runs {@code ip ARGS...} and returns its standard output. */
  public String run(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run '" + executable + "' (is iproute2 installed?): " + e.getMessage(), e);
    }
    try {
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
