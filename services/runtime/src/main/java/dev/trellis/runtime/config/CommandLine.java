package dev.trellis.runtime.config;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a service's {@code main} does with its arguments: {@code --help} prints the usage and exits
 * 0; a {@link ConfigException} prints {@code <program>: <message>} and a hint and exits 2; anything
 * else yields the {@link Settings}. {@link #parse} is the testable core; {@link #parseOrExit} wires
 * it to the real environment, stdout, stderr and {@code System.exit}.
 *
 * <p>Thread-safety: stateless.
 */
public final class CommandLine {
  /** Exit status for a usage or configuration error. */
  public static final int USAGE_ERROR = 2;

  private CommandLine() {}

  /**
   * The outcome of parsing: settings to run with, or an exit status.
   *
   * @param settings the settings, or empty when the process should exit
   * @param exitCode the exit status when {@code settings} is empty
   */
  public record Outcome(Optional<Settings> settings, int exitCode) {}

  /** Parses {@code args} and {@code env}, printing usage or errors to {@code out}/{@code err}. */
  public static Outcome parse(
      String program,
      String[] args,
      Map<String, String> env,
      List<Flag<?>> extra,
      PrintStream out,
      PrintStream err) {
    if (FlagSet.helpRequested(args)) {
      out.print(Settings.flagSet(program, extra).usage());
      return new Outcome(Optional.empty(), 0);
    }
    try {
      return new Outcome(Optional.of(Settings.parse(program, args, env, extra)), 0);
    } catch (ConfigException e) {
      err.println(program + ": " + e.getMessage());
      err.println("Run '" + program + " --help' for the flags and their environment variables.");
      return new Outcome(Optional.empty(), USAGE_ERROR);
    }
  }

  /** For {@code main}: the settings, or the process exits after printing usage or the error. */
  public static Settings parseOrExit(String program, String[] args, List<Flag<?>> extra) {
    Outcome outcome = parse(program, args, System.getenv(), extra, System.out, System.err);
    if (outcome.settings().isEmpty()) {
      System.out.flush();
      System.err.flush();
      System.exit(outcome.exitCode());
    }
    return outcome.settings().get();
  }
}
