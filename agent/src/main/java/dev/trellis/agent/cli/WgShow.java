package dev.trellis.agent.cli;

import dev.trellis.agent.localapi.ControlClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code trellis wg show [--tun NAME | --socket PATH] [--counters]}: fetches a running device's
 * status over its control socket and prints it as {@code wg show} does.
 *
 * <p>Thread-safety: runs on the caller's thread.
 */
final class WgShow {
  private WgShow() {}

  static int run(List<String> args, PrintStream out) throws UsageError, IOException {
    Flags f = new Flags(args, Set.of("tun", "socket"), Set.of("counters"));
    String tun = f.get("tun", WgDaemon.DEFAULT_TUN);
    Path socket = Path.of(f.get("socket", WgDaemon.defaultSocket(tun)));
    out.print(ShowFormat.render(ControlClient.get(socket), Instant.now(), f.has("counters")));
    return 0;
  }
}
