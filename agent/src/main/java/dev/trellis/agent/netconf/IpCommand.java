package dev.trellis.agent.netconf;

import java.io.IOException;

/**
 * Runs one iproute2 {@code ip} command and turns a failure into an {@link IOException} that quotes
 * the command and what {@code ip} printed.
 *
 * <p>Thread-safety: stateless; commands may run from any thread.
 */
public final class IpCommand {
  private final ExternalProgram program;

  /** Uses {@code ip} from the PATH. */
  public IpCommand() {
    this("ip");
  }

  /** Uses the given {@code ip} executable. */
  public IpCommand(String executable) {
    this.program = new ExternalProgram(executable, "iproute2");
  }

  /** Runs {@code ip ARGS...} and returns its standard output. */
  public String run(String... args) throws IOException {
    return program.run(args);
  }
}
