package dev.trellis.agent.device;

/**
 * The device's optional hook for a packet filter: the {@code wg-tun-writer} asks {@link
 * #allowInbound} about every decrypted packet (after the allowed-IPs check, before the TUN write)
 * and drops refused ones as {@link DropReason#FILTERED}; the {@code wg-tun-reader} hands every
 * routable packet read from the TUN to {@link #noteOutbound} so the filter can let its replies in.
 * Without a filter ({@code null}) everything is allowed. Packets are {@code packet[off..off+len)},
 * a whole IPv4 or IPv6 packet; implementations must not keep the array and, since both calls sit on
 * the data-plane hot path, should not allocate or block.
 *
 * <p>Thread-safety: implementations are called from the device's pipeline threads concurrently.
 */
public interface TrafficFilter {
  /** Whether this inbound packet may be delivered. */
  boolean allowInbound(byte[] packet, int off, int len);

  /** Notes an outbound packet (for return traffic). */
  void noteOutbound(byte[] packet, int off, int len);
}
