package dev.trellis.agent.paths.disco;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.NodePublicKey;
import java.util.Arrays;
import java.util.List;

/**
 * One discovery message, as carried inside a sealed {@link DiscoPacket} (see there for the byte
 * layout).
 *
 * <p>Thread-safety: immutable records.
 */
public sealed interface DiscoMessage {
  /** The length of a transaction id. */
  int TX_ID_LENGTH = 12;

  /**
   * "Are you there on this path?": sent to each candidate endpoint (or through the relay).
   *
   * @param txId a random transaction id the pong echoes
   * @param nodeKey the sender's node (WireGuard) key, binding its disco key to its node
   */
  record Ping(byte[] txId, NodePublicKey nodeKey) implements DiscoMessage {
    public Ping {
      txId = checkTx(txId);
      if (nodeKey == null) {
        throw new IllegalArgumentException("a ping names the sender's node key");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ping p && Arrays.equals(txId, p.txId) && nodeKey.equals(p.nodeKey);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(txId) * 31 + nodeKey.hashCode();
    }

    @Override
    public String toString() {
      return "Ping[" + hex(txId) + ", " + nodeKey + "]";
    }
  }

  /**
   * The answer to a {@link Ping}.
   *
   * @param txId the ping's transaction id
   * @param observed the source address the ping came from, as the answerer saw it; the unspecified
   *     address {@code [::]:0} when the ping came through the relay
   */
  record Pong(byte[] txId, Endpoint observed) implements DiscoMessage {
    public Pong {
      txId = checkTx(txId);
      if (observed == null) {
        throw new IllegalArgumentException("a pong carries the observed address");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pong p && Arrays.equals(txId, p.txId) && observed.equals(p.observed);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(txId) * 31 + observed.hashCode();
    }

    @Override
    public String toString() {
      return "Pong[" + hex(txId) + ", " + observed + "]";
    }
  }

  /**
   * "Ping me at these endpoints now": sent through the relay so both sides send pings at once and
   * each side's NAT opens a mapping for the other (hole punching).
   *
   * @param endpoints the sender's current candidate endpoints (at most {@link
   *     DiscoPacket#MAX_ENDPOINTS})
   */
  record CallMeMaybe(List<Endpoint> endpoints) implements DiscoMessage {
    public CallMeMaybe {
      endpoints = List.copyOf(endpoints);
      if (endpoints.size() > DiscoPacket.MAX_ENDPOINTS) {
        throw new IllegalArgumentException("too many endpoints: " + endpoints.size());
      }
    }
  }

  private static byte[] checkTx(byte[] txId) {
    if (txId == null || txId.length != TX_ID_LENGTH) {
      throw new IllegalArgumentException("a transaction id is " + TX_ID_LENGTH + " bytes");
    }
    return txId.clone();
  }

  /** Lower-case hex of {@code b}, for printing transaction ids. */
  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }
}
