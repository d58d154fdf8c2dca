package dev.trellis.agent.cli.training;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ControlServer;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The daemon side of the {@code trellis} AOT training run, in a process of its own so that none of
 * its classes land in the CLI's cache: the real local API ({@link ControlServer}) on the socket it
 * is given, answering every request with a canned reply of a joined daemon with three peers. Prints
 * {@code ready} when it listens and exits when its standard input closes (its parent finished or
 * died).
 *
 * <p>Thread-safety: the main thread waits on standard input; the server answers on its own threads.
 */
public final class TrainingDaemon {
  private TrainingDaemon() {}

  /** {@code TrainingDaemon SOCKET}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: TrainingDaemon SOCKET");
      System.exit(2);
    }
    try (ControlServer server =
        ControlServer.start(
            Path.of(args[0]), TrainingDaemon::interfaceStatus, TrainingDaemon::answer)) {
      System.out.println("ready");
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private static void answer(Request request, ReplyWriter reply) throws IOException {
    switch (request.verb()) {
      case "status" -> reply.raw(AgentStatusCodec.encode(status()));
      case "up", "down", "logout" -> {
        reply.line("state", "Running");
        reply.ok();
      }
      case "netcheck" -> {
        reply.line("udp", "true");
        reply.line("public_address", "198.51.100.7:41641");
        reply.line("nat", "endpoint-independent");
        reply.line("relay_latency", "home 12ms");
        reply.ok();
      }
      case "ping" -> {
        reply.line("pong", "from beta via 192.0.2.12:41641 in 1.2ms");
        reply.line("pong", "from beta via 192.0.2.12:41641 in 0.9ms");
        reply.ok();
      }
      default ->
          reply.error("UNKNOWN_VERB", "the training daemon does not answer " + request.verb());
    }
  }

  private static AgentStatus status() {
    Instant now = Instant.now();
    List<NodeView> peers = new ArrayList<>();
    String[] names = {"beta", "gamma", "delta"};
    for (int i = 0; i < names.length; i++) {
      boolean idle = i == 2;
      peers.add(
          new NodeView(
              "n" + (i + 2),
              names[i] + ".default.trellis.internal",
              List.of("100.64.0." + (i + 2) + "/32", "fd7a:115c:a1e0::" + (i + 2) + "/128"),
              key(i + 2).toString(),
              !idle,
              idle ? null : now.minusSeconds(20 + i),
              idle ? "" : "192.0.2." + (12 + i) + ":41641",
              idle ? "idle" : "direct",
              1_000_000L * (i + 1),
              2_000_000L * (i + 1),
              now.plusSeconds(86_400L * 90),
              false));
    }
    NodeView self =
        new NodeView(
            "n1",
            "alpha.default.trellis.internal",
            List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128"),
            key(1).toString(),
            true,
            null,
            "",
            "self",
            0,
            0,
            now.plusSeconds(86_400L * 90),
            false);
    return new AgentStatus(
        "Running", "", "", "http://127.0.0.1:8080", "trellis0", 41641, self, peers, 0);
  }

  /** A fixed, made-up public key. */
  private static NodePublicKey key(int n) {
    byte[] raw = new byte[32];
    Arrays.fill(raw, (byte) n);
    return NodePublicKey.fromBytes(raw);
  }

  private static InterfaceStatus interfaceStatus() {
    return new InterfaceStatus(
        "trellis0", key(1), 41641, List.of(), Map.of("packets_sent", 10L, "packets_received", 12L));
  }
}
