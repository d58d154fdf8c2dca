package dev.trellis.agent.localapi;

import java.util.List;

/**
 * What {@code trellis status} shows: the daemon's state, this device and its peers.
 *
 * @param state one of NeedsLogin, Starting, Running, NeedsApproval, Stopped
 * @param message why the daemon is in this state (e.g. the refusal), or empty
 * @param authUrl where to sign in while an interactive login waits, or empty
 * @param loginServer the control server URL, or empty
 * @param tun the TUN interface name
 * @param listenPort the WireGuard UDP port
 * @param self this device, or {@code null} before the first netmap
 * @param peers the peers, in netmap order
 * @param filterDrops inbound packets the node's packet filter (ACL policy) dropped
 * @param exitNode the exit node this device asked for ({@code --exit-node}), or empty; the peer
 *     really in use is the one marked {@link NodeRoutes#exitNodeActive}
 *     <p>Thread-safety: immutable.
 */
public record AgentStatus(
    String state,
    String message,
    String authUrl,
    String loginServer,
    String tun,
    int listenPort,
    NodeView self,
    List<NodeView> peers,
    long filterDrops,
    String exitNode) {
  public AgentStatus {
    exitNode = exitNode == null ? "" : exitNode;
    message = message == null ? "" : message;
    authUrl = authUrl == null ? "" : authUrl;
    loginServer = loginServer == null ? "" : loginServer;
    peers = List.copyOf(peers);
  }

  /** A status without an exit node. */
  public AgentStatus(
      String state,
      String message,
      String authUrl,
      String loginServer,
      String tun,
      int listenPort,
      NodeView self,
      List<NodeView> peers,
      long filterDrops) {
    this(state, message, authUrl, loginServer, tun, listenPort, self, peers, filterDrops, "");
  }

  /** A status without filter counters. */
  public AgentStatus(
      String state,
      String message,
      String authUrl,
      String loginServer,
      String tun,
      int listenPort,
      NodeView self,
      List<NodeView> peers) {
    this(state, message, authUrl, loginServer, tun, listenPort, self, peers, 0);
  }
}
