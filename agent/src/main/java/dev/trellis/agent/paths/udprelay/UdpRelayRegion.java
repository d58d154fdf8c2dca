package dev.trellis.agent.paths.udprelay;

import dev.trellis.proto.key.NodePublicKey;
import java.util.Arrays;

/**
 * Which relay region two peers ask for their UDP relay session: both must ask the same relay, so
 * both pick the home region of the node with the lower key (unsigned bytes), or the other's home
 * when that one has none. 0 means neither has a home region.
 *
 * <p>Thread-safety: stateless.
 */
public final class UdpRelayRegion {
  private UdpRelayRegion() {}

  /**
   * The region for {@code self} (home {@code selfHome}) and {@code peer} (home {@code peerHome}).
   */
  public static int choose(NodePublicKey self, int selfHome, NodePublicKey peer, int peerHome) {
    boolean selfFirst = Arrays.compareUnsigned(self.toBytes(), peer.toBytes()) < 0;
    int first = selfFirst ? selfHome : peerHome;
    int second = selfFirst ? peerHome : selfHome;
    return first != 0 ? first : second;
  }
}
