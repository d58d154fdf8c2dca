package dev.trellis.agent.wireguard;

/**
 * Message 3, the cookie reply (64 bytes; layout in {@link Messages}).
 *
 * <p>Thread-safety: holds arrays; treat as immutable.
 */
public record CookieReply(int receiver, byte[] nonce, byte[] encryptedCookie) {

  /** The 64-byte encoding. */
  public byte[] encode() {
    byte[] b = new byte[Spec.COOKIE_REPLY_SIZE];
    b[0] = Spec.TYPE_COOKIE_REPLY;
    Messages.putInt(b, 4, receiver);
    System.arraycopy(nonce, 0, b, 8, 24);
    System.arraycopy(encryptedCookie, 0, b, 32, 32);
    return b;
  }

  /** Decodes a datagram, or returns {@code null} if it is not a well-formed cookie reply. */
  public static CookieReply decode(byte[] b, int off, int len) {
    if (b == null || off < 0 || len != Spec.COOKIE_REPLY_SIZE || off + len > b.length) {
      return null;
    }
    if (Messages.classify(b, off, len) != Spec.TYPE_COOKIE_REPLY) {
      return null;
    }
    return new CookieReply(
        Messages.getInt(b, off + 4),
        Messages.slice(b, off + 8, 24),
        Messages.slice(b, off + 32, 32));
  }
}
