package dev.trellis.agent.cli;

import dev.trellis.proto.build.BuildVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's entry point (the shaded jar's main class). The first argument names the program, as
 * argv[0] would: {@code trellisd ...} runs the daemon (or, with {@code wg}, a standalone WireGuard
 * device); {@code trellis ...} is the CLI that talks to it. Each program has its own usage text
 * ({@link Usage}), printed on stdout with exit 0 for {@code help}, {@code -h} and {@code --help},
 * and on stderr with exit 2 after a usage error.
 *
 * <p>Thread-safety: runs on the main thread only.
 */
public final class AgentMain {
  /** Environment variable that names the daemon's socket when no --socket is given. */
  static final String SOCKET_ENV = "TRELLIS_SOCKET";

  private static final Set<String> HELP = Set.of("help", "-h", "--help");

  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs a command line; returns the process exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  /**
   * Runs a command line with the given environment; returns the process exit status. Public for the
   * AOT training run ({@link dev.trellis.agent.cli.training.StartupTraining}).
   */
  public static int run(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    String program = args.isEmpty() ? "trellis" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    String usage = program.equals("trellisd") ? Usage.TRELLISD : Usage.TRELLIS;
    try {
      return switch (program) {
        case "trellisd" -> trellisd(rest, out, err);
        case "trellis" -> trellis(rest, env, out, err);
        default -> throw new UsageError("unknown program '" + program + "' (trellisd or trellis)");
      };
    } catch (UsageError e) {
      err.println(program + ": " + e.getMessage());
      err.print(usage);
      return 2;
    } catch (IOException e) {
      err.println(program + ": " + e.getMessage());
      return 1;
    }
  }

  private static int trellisd(List<String> args, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    if (args.size() == 1 && HELP.contains(args.get(0))) {
      out.print(Usage.TRELLISD);
      return 0;
    }
    if (args.size() == 1 && args.get(0).equals("version")) {
      out.println("trellisd " + BuildVersion.get());
      return 0;
    }
    if (!args.isEmpty() && args.get(0).equals("wg")) {
      return WgDaemon.run(args.subList(1, args.size()), err);
    }
    if (!args.isEmpty() && !args.get(0).startsWith("--")) {
      throw new UsageError("unknown trellisd command '" + args.get(0) + "'");
    }
    return DaemonCommand.run(args, err);
  }

  private static int trellis(
      List<String> args, Map<String, String> env, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    String fromEnv = env.get(SOCKET_ENV);
    Path socket =
        Path.of(fromEnv == null || fromEnv.isBlank() ? DaemonCommand.DEFAULT_SOCKET : fromEnv);
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("--socket")) {
      String a = args.get(i);
      if (a.startsWith("--socket=") && a.length() > 9) {
        socket = Path.of(a.substring(9));
        i++;
      } else if (a.equals("--socket") && i + 1 < args.size()) {
        socket = Path.of(args.get(i + 1));
        i += 2;
      } else {
        throw new UsageError("--socket needs a value");
      }
    }
    if (i >= args.size()) {
      throw new UsageError("missing command");
    }
    String command = args.get(i);
    List<String> rest = args.subList(i + 1, args.size());
    if (HELP.contains(command) || rest.contains("--help") || rest.contains("-h")) {
      out.print(Usage.TRELLIS);
      return 0;
    }
    if (command.equals("version")) {
      if (!rest.isEmpty()) {
        throw new UsageError("trellis version takes no arguments");
      }
      out.println("trellis " + BuildVersion.get());
      return 0;
    }
    if (command.equals("wg")) {
      if (rest.isEmpty() || !rest.get(0).equals("show")) {
        throw new UsageError(
            "unknown trellis command 'wg" + (rest.isEmpty() ? "" : " " + rest.get(0)) + "'");
      }
      return WgShow.run(rest.subList(1, rest.size()), out);
    }
    return ClientCommands.run(command, rest, socket, env, out, err);
  }
}
