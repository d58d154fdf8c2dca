package dev.trellis.agent.cli;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.control.v1.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trellisd} with one more {@link dev.trellis.agent.netmap.NetmapListener}, which prints each
 * applied netmap on standard output as {@code netmap version=V self=ID peers=A,B dns=SUFFIX} (or
 * {@code netmap empty}): what a DNS resolver or route installer would be handed. Test code only:
 * {@code NetmapListenerNetnsTest} runs it in a network namespace.
 *
 * <p>Thread-safety: the listener prints one whole line per call.
 */
public final class NetmapPrintingDaemon {
  private NetmapPrintingDaemon() {}

  public static void main(String[] args) throws Exception {
    DaemonCommand.Running running = DaemonCommand.start(List.of(args), System.err);
    running.daemon().addNetmapListener(m -> System.out.println(line(m)));
    ShutdownHook.await(running::close);
  }

  static String line(Netmap m) {
    if (!m.hasSelf()) {
      return "netmap empty";
    }
    List<String> peers = new ArrayList<>();
    for (Node n : m.peers().values()) {
      peers.add(n.getId());
    }
    return "netmap version="
        + m.version()
        + " self="
        + m.self().getId()
        + " peers="
        + String.join(",", peers)
        + " dns="
        + m.dns().getMagicDnsSuffix();
  }
}
