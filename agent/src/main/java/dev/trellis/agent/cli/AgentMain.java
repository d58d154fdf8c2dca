package dev.trellis.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
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
        trellisd [--state-dir DIR] [--socket PATH] [--tun NAME] [--port N]
            Runs the agent daemon: keys and registration in DIR/state.conf (default
            /var/lib/trellis, 0700/0600), the local API on the Unix socket PATH (default
            /run/trellis/trellisd.sock), the TUN NAME (default trellis0) and WireGuard on UDP
            port N (default 41641, 0 = any). Needs root or CAP_NET_ADMIN.
        trellis [--socket PATH] up --login-server URL [--auth-key K|file:PATH]
                    [--hostname H] [--advertise-tags tag:a,tag:b] [--force-reauth]
                    [--control-key mkey:HEX]
            Joins the tailnet (auth key also from $TRELLIS_AUTH_KEY; without one, prints a
            login URL and waits) and starts the tunnel. Later 'up' without a key reconnects.
        trellis [--socket PATH] status [--json]
        trellis [--socket PATH] ip [-4|-6]
        trellis [--socket PATH] down        stops the tunnel (keys and registration kept)
        trellis [--socket PATH] logout      forgets the registration
        trellis [--socket PATH] netcheck    UDP, public address, NAT kind, relay latency
        trellis [--socket PATH] ping PEER [--c N]   disco pings: direct ip:port or relay
            Exit status: 0 ok, 1 refused or failed, 2 usage.
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
    return run(args, System.getenv(), out, err);
  }

  /**
   * Runs a command line with the given environment; returns the process exit status. Public for the
   * AOT training run ({@link dev.trellis.agent.cli.training.StartupTraining}).
   */
  public static int run(
      List<String> args, java.util.Map<String, String> env, PrintStream out, PrintStream err) {
    String program = args.isEmpty() ? "trellis" : args.get(0);
    try {
      return switch (program) {
        case "trellisd" -> {
          if (args.size() >= 2 && args.get(1).equals("wg")) {
            yield WgDaemon.run(args.subList(2, args.size()), err);
          }
          if (args.size() >= 2 && !args.get(1).startsWith("--")) {
            throw new UsageError("unknown trellisd command '" + args.get(1) + "'");
          }
          yield DaemonCommand.run(args.subList(1, args.size()), err);
        }
        case "trellis" -> trellis(args.subList(1, args.size()), env, out, err);
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

  private static int trellis(
      List<String> args, java.util.Map<String, String> env, PrintStream out, PrintStream err)
      throws UsageError, IOException {
    Path socket = Path.of(DaemonCommand.DEFAULT_SOCKET);
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("--socket")) {
      String a = args.get(i);
      if (a.startsWith("--socket=")) {
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
