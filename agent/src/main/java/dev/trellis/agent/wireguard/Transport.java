package dev.trellis.agent.wireguard;

/**
 * Message 4, transport data, handled in place in the packet buffer (no per-packet object): the
 * 16-byte header sits in the head-room in front of the IP packet, the packet is padded and
 * encrypted where it lies. Layout in {@link Messages}.
 *
 * <p>Thread-safety: stateless.
 */
public final class Transport {
  private Transport() {}

  /** The padded payload length for a packet of {@code len} bytes (a multiple of 16). */
  public static int paddedLength(int len) {
    return (len + Spec.PADDING_MULTIPLE - 1) & -Spec.PADDING_MULTIPLE;
  }

  /** Writes the header at {@code buf[off, off+16)}. */
  public static void writeHeader(byte[] buf, int off, int receiver, long counter) {
    buf[off] = Spec.TYPE_TRANSPORT;
    buf[off + 1] = 0;
    buf[off + 2] = 0;
    buf[off + 3] = 0;
    Messages.putInt(buf, off + 4, receiver);
    Messages.putLong(buf, off + 8, counter);
  }

  /** The receiver index of a transport message at {@code off}. */
  public static int receiver(byte[] buf, int off) {
    return Messages.getInt(buf, off + 4);
  }

  /** The counter of a transport message at {@code off}. */
  public static long counter(byte[] buf, int off) {
    return Messages.getLong(buf, off + 8);
  }
}
