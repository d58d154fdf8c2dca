package dev.trellis.agent.device;

import dev.trellis.proto.net.IpPrefix;

/**
 * Cryptokey routing table: longest-prefix match of IPv4 and IPv6 addresses to values (peers) in two
 * binary tries, one bit per level. Lookups walk at most 32 or 128 nodes and allocate nothing. The
 * device builds a new table for each configuration and publishes it whole.
 *
 * <p>Thread-safety: not thread-safe while being built; safe for concurrent lookups once published
 * (through a volatile field) and no longer modified.
 *
 * @param <T> the routed value
 */
public final class AllowedIps<T> {
  private static final class Node<T> {
    Node<T> zero;
    Node<T> one;
    T value;
  }

  private final Node<T> v4 = new Node<>();
  private final Node<T> v6 = new Node<>();

  /** Routes {@code prefix} to {@code value}, replacing any previous value of the same prefix. */
  public void insert(IpPrefix prefix, T value) {
    byte[] addr = prefix.address().getAddress();
    Node<T> n = addr.length == 4 ? v4 : v6;
    for (int i = 0; i < prefix.bits(); i++) {
      boolean bit = ((addr[i >>> 3] >>> (7 - (i & 7))) & 1) != 0;
      if (bit) {
        if (n.one == null) {
          n.one = new Node<>();
        }
        n = n.one;
      } else {
        if (n.zero == null) {
          n.zero = new Node<>();
        }
        n = n.zero;
      }
    }
    n.value = value;
  }

  /**
   * The value of the longest prefix containing the address at {@code buf[off, off+length)} ({@code
   * length} 4 or 16), or {@code null}.
   */
  public T lookup(byte[] buf, int off, int length) {
    Node<T> n = length == 4 ? v4 : v6;
    T best = n.value;
    int bits = length * 8;
    for (int i = 0; i < bits; i++) {
      boolean bit = ((buf[off + (i >>> 3)] >>> (7 - (i & 7))) & 1) != 0;
      n = bit ? n.one : n.zero;
      if (n == null) {
        break;
      }
      if (n.value != null) {
        best = n.value;
      }
    }
    return best;
  }
}
