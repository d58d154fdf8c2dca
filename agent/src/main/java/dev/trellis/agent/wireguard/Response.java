package dev.trellis.agent.wireguard;

/**
 * Message 2, the handshake response (92 bytes; layout in {@link Messages}).
 *
 * <p>Thread-safety: holds arrays; treat as immutable.
 */
public record Response(
    int sender, int receiver, byte[] ephemeral, byte[] encryptedNothing, byte[] mac1, byte[] mac2) {

  /** The 92-byte encoding. */
  public byte[] encode() {
    byte[] b = new byte[Spec.RESPONSE_SIZE];
    b[0] = Spec.TYPE_RESPONSE;
    Messages.putInt(b, 4, sender);
    Messages.putInt(b, 8, receiver);
    System.arraycopy(ephemeral, 0, b, 12, 32);
    System.arraycopy(encryptedNothing, 0, b, 44, 16);
    System.arraycopy(mac1, 0, b, 60, 16);
    System.arraycopy(mac2, 0, b, 76, 16);
    return b;
  }

  /** Decodes a datagram, or returns {@code null} if it is not a well-formed response. */
  public static Response decode(byte[] b, int off, int len) {
    if (b == null || off < 0 || len != Spec.RESPONSE_SIZE || off + len > b.length) {
      return null;
    }
    if (Messages.classify(b, off, len) != Spec.TYPE_RESPONSE) {
      return null;
    }
    return new Response(
        Messages.getInt(b, off + 4),
        Messages.getInt(b, off + 8),
        Messages.slice(b, off + 12, 32),
        Messages.slice(b, off + 44, 16),
        Messages.slice(b, off + 60, 16),
        Messages.slice(b, off + 76, 16));
  }
}
