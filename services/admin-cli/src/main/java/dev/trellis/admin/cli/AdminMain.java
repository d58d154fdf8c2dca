package dev.trellis.admin.cli;

import dev.trellis.admin.cli.args.ArgParser;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.args.ParsedArgs;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.GlobalOptions;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.proto.build.BuildVersion;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * trellis-admin's entry point: parses the global options, finds the command in the {@link
 * CommandRegistry}, runs it, and maps every expected failure to {@code trellis-admin: <message>} on
 * stderr and an exit code (0 ok, 1 failure, 2 usage error, 3 replay differences, 130 interrupted).
 * Tests call {@link #run} with their own environment and streams instead of {@link #main}.
 *
 * <p>Each call of {@link #run} is independent; concurrent calls are safe when they use different
 * streams.
 */
public final class AdminMain {
  /** Exit code when the thread running a command was interrupted. */
  public static final int EXIT_INTERRUPTED = 130;

  private AdminMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs trellis-admin with {@code args} and {@code env}; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, out, err, Clock.systemUTC(), CommandRegistry.standard());
  }

  /** As {@link #run(String[], Map, PrintStream, PrintStream)} with a given clock and registry. */
  public static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      CommandRegistry registry) {
    try {
      return dispatch(Arrays.asList(args), env, out, err, clock, registry);
    } catch (UsageException e) {
      err.println("trellis-admin: " + Cells.printable(e.userMessage()));
      if (e.usage() != null) {
        err.println(e.usage());
      }
      err.flush();
      return e.exitCode();
    } catch (AdminCliException e) {
      err.println("trellis-admin: " + Cells.printable(e.userMessage()));
      err.flush();
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("trellis-admin: interrupted");
      err.flush();
      return EXIT_INTERRUPTED;
    } finally {
      out.flush();
    }
  }

  private static int dispatch(
      List<String> args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      CommandRegistry registry)
      throws AdminCliException, InterruptedException {
    // Global options before the command words.
    int scan = 0;
    while (scan < args.size()
        && ArgParser.isOption(args.get(scan))
        && !args.get(scan).equals("--")) {
      scan += optionLength(args, scan);
    }
    final int first = scan;
    GlobalOptions global =
        GlobalOptions.NONE.with(
            withUsage(
                () -> new ArgParser(GlobalOptions.OPTIONS).parse(args.subList(0, first)),
                Help.USAGE));
    if (global.version()) {
      out.println("trellis-admin " + BuildVersion.get());
      return 0;
    }
    List<String> rest = args.subList(first, args.size());
    if (global.help() && (rest.isEmpty() || rest.getFirst().equals("--"))) {
      Help.overview(registry, out);
      return 0;
    }
    CommandRegistry.Match match = registry.resolve(rest);
    Command command = match.command();
    List<Option> options = new ArrayList<>(GlobalOptions.OPTIONS);
    options.addAll(command.options());
    ParsedArgs parsed =
        withUsage(
            () -> new ArgParser(options).parse(rest.subList(match.words(), rest.size())),
            command.usage());
    global = global.with(parsed);
    if (global.help()) {
      Help.command(command, out);
      return 0;
    }
    if (global.version()) {
      out.println("trellis-admin " + BuildVersion.get());
      return 0;
    }
    try (Invocation inv =
        new Invocation(
            parsed, global, env, out, err, clock, "trellis-admin/" + BuildVersion.get())) {
      try {
        return command.run(inv);
      } catch (UsageException e) {
        throw e.withUsage(command.usage());
      }
    }
  }

  /** How many tokens the global option at {@code i} spans (2 for {@code --server URL}). */
  private static int optionLength(List<String> args, int i) {
    String token = args.get(i);
    if (!token.startsWith("--") || token.contains("=")) {
      return 1;
    }
    String name = token.substring(2);
    boolean valued =
        GlobalOptions.OPTIONS.stream().anyMatch(o -> o.name().equals(name) && o.takesValue());
    return valued && i + 1 < args.size() ? 2 : 1;
  }

  private interface Parse {
    ParsedArgs get() throws UsageException;
  }

  private static ParsedArgs withUsage(Parse parse, String usage) throws UsageException {
    try {
      return parse.get();
    } catch (UsageException e) {
      throw e.withUsage(usage);
    }
  }
}
