package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.agent.crypto.XChaChaPoly;

/**
 * The sender's side of the cookie mechanism towards one peer: fills in MAC1 and MAC2 of outgoing
 * handshake messages and takes the cookie out of a cookie reply. A cookie is used for {@link
 * Spec#COOKIE_REFRESH_TIME} after it arrived.
 *
 * <p>Thread-safety: safe from any thread; state is guarded by {@code this}.
 */
public final class CookieGenerator {
  private final RemoteIdentity remote;
  private byte[] cookie;
  private long cookieNanos;
  private byte[] lastMac1;

  public CookieGenerator(RemoteIdentity remote) {
    this.remote = remote;
  }

  /** Writes MAC1 and MAC2 into the last 32 bytes of the handshake message {@code msg}. */
  public synchronized void addMacs(byte[] msg, long nowNanos) {
    int at1 = Messages.mac1Offset(msg.length);
    byte[] mac1 = Blake2s.mac(remote.mac1Key, msg, 0, at1);
    System.arraycopy(mac1, 0, msg, at1, 16);
    lastMac1 = mac1;
    int at2 = Messages.mac2Offset(msg.length);
    if (cookie != null && nowNanos - cookieNanos < Spec.COOKIE_REFRESH_TIME.toNanos()) {
      System.arraycopy(Blake2s.mac(cookie, msg, 0, at2), 0, msg, at2, 16);
    } else {
      java.util.Arrays.fill(msg, at2, at2 + 16, (byte) 0);
    }
  }

  /**
   * Takes the cookie out of {@code reply} (which must answer the last message we sent); returns
   * whether it decrypted.
   */
  public synchronized boolean consume(CookieReply reply, long nowNanos) {
    if (lastMac1 == null) {
      return false;
    }
    byte[] c = XChaChaPoly.open(remote.cookieKey, reply.nonce(), reply.encryptedCookie(), lastMac1);
    if (c == null) {
      return false;
    }
    cookie = c;
    cookieNanos = nowNanos;
    lastMac1 = null;
    return true;
  }

  /** Whether a fresh cookie is held (MAC2 will be set). */
  public synchronized boolean hasCookie(long nowNanos) {
    return cookie != null && nowNanos - cookieNanos < Spec.COOKIE_REFRESH_TIME.toNanos();
  }
}
