package dev.trellis.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The agent's entry point (the shaded jar's main class). The first argument names the program, as
 * argv[0] would: {@code trellisd wg --config FILE ...} runs a standalone WireGuard device; {@code
 * trellis wg show ...} prints a running device's status.
 *
 * <p>Thread-safety: runs on the main thread only.
 */
public final class AgentMain {
  static final String USAGE =
      """
      usage:
        trellisd wg --config FILE [--tun NAME] [--socket PATH] [--mtu N]
                    [--no-tun-offload] [--plain-udp]
            Runs a WireGuard device from a standard WireGuard config file on TUN NAME
            (default trellis0) and serves its status on the Unix socket PATH
            (default /run/trellis/NAME.sock). Needs root or CAP_NET_ADMIN.
            By default the TUN device takes TCP segmentation offload (super-packets) and
            UDP moves in batches (recvmmsg/sendmmsg with UDP GSO/GRO), each falling back
            to the plain path when the kernel refuses it.
            --no-tun-offload  plain TUN reads and writes, one packet each
            --plain-udp       a DatagramChannel socket, one datagram per call
        trellis wg show [--tun NAME | --socket PATH] [--counters]
            Prints the device's interface and peers as 'wg show' does.
      """;

  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs a command line; returns the process exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    String program = args.isEmpty() ? "trellis" : args.get(0);
    try {
      if (args.size() < 2) {
        throw new UsageError("missing command");
      }
      String command = args.get(1);
      return switch (program) {
        case "trellisd" -> {
          if (!command.equals("wg")) {
            throw new UsageError("unknown trellisd command '" + command + "'");
          }
          yield WgDaemon.run(args.subList(2, args.size()), err);
        }
        case "trellis" -> {
          if (!command.equals("wg") || args.size() < 3 || !args.get(2).equals("show")) {
            throw new UsageError(
                "unknown trellis command '"
                    + String.join(" ", args.subList(1, Math.min(3, args.size())))
                    + "'");
          }
          yield WgShow.run(args.subList(3, args.size()), out);
        }
        default -> throw new UsageError("unknown program '" + program + "' (trellisd or trellis)");
      };
    } catch (UsageError e) {
      err.println(program + ": " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (IOException e) {
      err.println(program + ": " + e.getMessage());
      return 1;
    }
  }
}
