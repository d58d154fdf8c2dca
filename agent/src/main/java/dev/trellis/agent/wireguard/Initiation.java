package dev.trellis.agent.wireguard;

/**
 * Message 1, the handshake initiation (148 bytes; layout in {@link Messages}).
 *
 * <p>Thread-safety: holds arrays; treat as immutable.
 */
public record Initiation(
    int sender,
    byte[] ephemeral,
    byte[] encryptedStatic,
    byte[] encryptedTimestamp,
    byte[] mac1,
    byte[] mac2) {

  /** The 148-byte encoding (macs as stored; see {@link CookieGenerator#addMacs}). */
  public byte[] encode() {
    byte[] b = new byte[Spec.INITIATION_SIZE];
    b[0] = Spec.TYPE_INITIATION;
    Messages.putInt(b, 4, sender);
    System.arraycopy(ephemeral, 0, b, 8, 32);
    System.arraycopy(encryptedStatic, 0, b, 40, 48);
    System.arraycopy(encryptedTimestamp, 0, b, 88, 28);
    System.arraycopy(mac1, 0, b, 116, 16);
    System.arraycopy(mac2, 0, b, 132, 16);
    return b;
  }

  /** Decodes a datagram, or returns {@code null} if it is not a well-formed initiation. */
  public static Initiation decode(byte[] b, int off, int len) {
    if (b == null || off < 0 || len != Spec.INITIATION_SIZE || off + len > b.length) {
      return null;
    }
    if (Messages.classify(b, off, len) != Spec.TYPE_INITIATION) {
      return null;
    }
    return new Initiation(
        Messages.getInt(b, off + 4),
        Messages.slice(b, off + 8, 32),
        Messages.slice(b, off + 40, 48),
        Messages.slice(b, off + 88, 28),
        Messages.slice(b, off + 116, 16),
        Messages.slice(b, off + 132, 16));
  }
}
