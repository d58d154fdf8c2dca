package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.e2e.AgentUnderTest;

/**
 * The path checks the NAT scenarios share: traffic into the tunnel until a ping answers, then the
 * path each side reports in its status ({@code direct} to the peer's public address, {@code
 * udp-relay:<region>} through a relay's UDP session, or {@code relay:<region>} over TLS).
 *
 * <p>Thread-safety: stateless.
 */
final class PathAssert {
  private PathAssert() {}

  /** The one peer's view in {@code s}, or null. */
  static NodeView onlyPeer(AgentStatus s) {
    return s.peers().size() == 1 ? s.peers().get(0) : null;
  }

  /** Whether the one peer is reached {@code direct} at an endpoint on {@code ip}. */
  static boolean directTo(AgentStatus s, String ip) {
    NodeView p = onlyPeer(s);
    return p != null && "direct".equals(p.connection()) && p.endpoint().startsWith(ip + ":");
  }

  /**
   * Whether the one peer is reached through a UDP relay session on {@code relayIp} (status {@code
   * udp-relay:<region>}, endpoint the relay's address and the session's port).
   */
  static boolean udpRelayedVia(AgentStatus s, String relayIp) {
    NodeView p = onlyPeer(s);
    return p != null
        && p.connection().startsWith("udp-relay:")
        && !"udp-relay:none".equals(p.connection())
        && p.endpoint().startsWith(relayIp + ":");
  }

  /** The UDP port of the one peer's UDP relay session (from its status endpoint). */
  static int udpRelayPort(AgentStatus s) {
    String ep = onlyPeer(s).endpoint();
    return Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
  }

  /** Whether the one peer is reached through a TLS relay region (named, not "none"). */
  static boolean relayed(AgentStatus s) {
    NodeView p = onlyPeer(s);
    return p != null
        && p.connection().startsWith("relay:")
        && !"relay:none".equals(p.connection())
        && p.endpoint().isEmpty();
  }

  /**
   * Pings {@code to}'s tunnel address from {@code from} until one answers (at most {@code
   * seconds}); returns {@link System#nanoTime()} just before the first ping was sent.
   */
  static long pingUntilAnswered(AgentUnderTest from, AgentUnderTest to, int seconds)
      throws Exception {
    String ip = to.ipv4();
    long first = System.nanoTime();
    boolean answered = false;
    while (!answered && System.nanoTime() - first < seconds * 1_000_000_000L) {
      answered = from.ping(ip);
    }
    assertTrue(
        answered,
        from.name
            + " -> "
            + to.name
            + ": no ping over the tunnel in "
            + seconds
            + " s\n"
            + from.log());
    return first;
  }
}
