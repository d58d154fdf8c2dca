package dev.trellis.admin.cli;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.GlobalOptions;
import java.io.PrintStream;
import java.util.List;

/**
 * Prints the help texts: the overview of all commands and the help of one command.
 *
 * <p>Stateless, so safe to share between threads.
 */
final class Help {
  private Help() {}

  /** The usage line of trellis-admin as a whole. */
  static final String USAGE = "usage: trellis-admin [GLOBAL OPTIONS] COMMAND [ARGS]";

  static void overview(CommandRegistry registry, PrintStream out) {
    out.println(USAGE);
    out.println();
    out.println("The operator's command line for a Trellis control plane.");
    out.println();
    out.println("Commands:");
    int width = registry.commands().stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (Command c : registry.commands()) {
      out.println("  " + pad(c.name(), width) + "  " + c.summary());
    }
    out.println();
    options("Global options", GlobalOptions.OPTIONS, out);
    out.println();
    out.println("Run 'trellis-admin COMMAND --help' for a command's options.");
    out.println("Exit codes: 0 ok, 1 failure, 2 usage error, 3 replay found differences.");
    out.flush();
  }

  static void command(Command c, PrintStream out) {
    out.println(c.usage());
    out.println();
    out.println(c.summary());
    if (!c.options().isEmpty()) {
      out.println();
      options("Options", c.options(), out);
    }
    out.println();
    options("Global options", GlobalOptions.OPTIONS, out);
    out.flush();
  }

  private static void options(String title, List<Option> options, PrintStream out) {
    out.println(title + ":");
    int width = options.stream().mapToInt(o -> o.display().length()).max().orElse(0);
    for (Option o : options) {
      out.println("  " + pad(o.display(), width) + "  " + o.help());
    }
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(Math.max(0, width - s.length()));
  }
}
