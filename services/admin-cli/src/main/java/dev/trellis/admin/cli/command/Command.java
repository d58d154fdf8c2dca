package dev.trellis.admin.cli.command;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * One trellis-admin command: its words ({@code tailnet create}), its usage, its options, and what
 * it does. Register new commands in {@link dev.trellis.admin.cli.CommandRegistry#standard()}.
 *
 * <p>Implementations are stateless, so safe to share between threads.
 */
public interface Command {
  /** The words that select this command, e.g. {@code ["tailnet", "create"]}. */
  List<String> path();

  /**
   * What follows the words in the usage line, e.g. {@code NAME} or {@code --tailnet T [--follow]}.
   */
  String arguments();

  /** One line saying what the command does. */
  String summary();

  /** The options this command accepts besides the global ones. */
  List<Option> options();

  /**
   * Runs the command. Check arguments first (usage errors), then talk to the server through {@link
   * Invocation#client()}.
   *
   * @return the exit code: 0 on success, or a command-specific code such as 3
   */
  int run(Invocation invocation) throws AdminCliException, InterruptedException;

  /** The command's name as typed: its words joined by spaces. */
  default String name() {
    return String.join(" ", path());
  }

  /** The usage line, {@code usage: trellis-admin NAME ARGUMENTS}. */
  default String usage() {
    String args = arguments();
    return "usage: trellis-admin " + name() + (args.isEmpty() ? "" : " " + args);
  }
}
