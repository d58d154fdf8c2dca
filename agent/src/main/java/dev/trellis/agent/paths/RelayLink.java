package dev.trellis.agent.paths;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.RelayFrame;
import java.net.InetAddress;

/**
 * How the path layer reaches peers through relays: send an opaque packet to a node key via a relay
 * region, and hear packets relayed to this node. The real one speaks the relay protocol over TLS
 * (the relay client in the relay sub-package); {@code MemoryRelay} in the test fixtures is its
 * in-memory twin.
 *
 * <p>Thread-safety: implementations are safe from any thread.
 */
public interface RelayLink {
  /** Receives packets relayed to this node. */
  @FunctionalInterface
  interface Receiver {
    /**
     * {@code data[off .. off+len)} arrived from {@code from} through region {@code region}; {@code
     * data} may be reused once this returns. The receiver may hold the packet back until {@link
     * #burstEnd}, so that a burst costs one hand-off rather than one per packet.
     */
    void received(int region, NodePublicKey from, byte[] data, int off, int len);

    /**
     * The link of {@code region} has no more packets at hand for now (it is about to wait for its
     * connection): whatever {@link #received} held back goes on. A link calls it after every packet
     * or burst, before it blocks.
     */
    default void burstEnd(int region) {}

    /**
     * The relay of {@code region} says {@code peer}, which it had reported gone, is connected now
     * (PEER_PRESENT).
     */
    default void peerPresent(int region, NodePublicKey peer) {}

    /**
     * The relay of {@code region} made a UDP relay session with {@code peer}: its UDP port is on
     * {@code relayAddress} (the address this node reached that relay at).
     */
    default void udpRelaySession(
        int region, RelayFrame.UdpRelaySession session, InetAddress relayAddress) {}
  }

  /**
   * Sends {@code data[off .. off+len)} to {@code to} through {@code region} (the peer's home
   * region; 0 means this node's own home region). Returns false when no relay connection is up (the
   * packet is dropped, as UDP would drop it).
   */
  boolean send(int region, NodePublicKey to, byte[] data, int off, int len);

  /**
   * Asks the relay of {@code region} (0: the home region) for a UDP relay session with {@code
   * peer}; the answer, if the peer asks too, comes to {@link Receiver#udpRelaySession}. Returns
   * false when no connection to that region is up (nothing was sent).
   */
  default boolean requestUdpRelay(int region, NodePublicKey peer) {
    return false;
  }

  /** This node's home region, or 0 when it has none yet. */
  int homeRegion();

  /** The short code of {@code region} for display (e.g. "fra"), or its number. */
  String regionName(int region);

  /** Sets the receiver of relayed packets (replacing any earlier one). */
  void setReceiver(Receiver receiver);
}
