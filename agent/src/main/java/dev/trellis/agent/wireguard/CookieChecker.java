package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.agent.crypto.XChaChaPoly;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * The responder's side of the cookie mechanism: checks MAC1 (always) and MAC2 (under load) of
 * incoming handshake messages and builds cookie replies. The cookie is {@code MAC(secret, source
 * address bytes || port little-endian)}; the secret is random and rotates every {@link
 * Spec#COOKIE_REFRESH_TIME}.
 *
 * <p>Thread-safety: safe from any thread; the secret is guarded by {@code this}.
 */
public final class CookieChecker {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final LocalIdentity local;
  private final Consumer<byte[]> random;
  private final byte[] secret = new byte[32];
  private long secretSetNanos;
  private boolean secretSet;

  public CookieChecker(LocalIdentity local) {
    this(local, RANDOM::nextBytes);
  }

  /** With a chosen source of the cookie secret and reply nonces: for known-answer tests only. */
  CookieChecker(LocalIdentity local, Consumer<byte[]> random) {
    this.local = local;
    this.random = random;
  }

  /** Whether {@code msg}'s MAC1 is right for us. */
  public boolean checkMac1(byte[] msg, int off, int len) {
    int at = Messages.mac1Offset(len);
    byte[] mac = Blake2s.mac(local.mac1Key, msg, off, at);
    return MessageDigest.isEqual(mac, java.util.Arrays.copyOfRange(msg, off + at, off + at + 16));
  }

  /** Whether {@code msg}'s MAC2 carries the current cookie of {@code source}. */
  public boolean checkMac2(byte[] msg, int off, int len, byte[] source, long nowNanos) {
    byte[] cookie = cookie(source, nowNanos);
    int at = Messages.mac2Offset(len);
    byte[] mac = Blake2s.mac(cookie, msg, off, at);
    return MessageDigest.isEqual(mac, java.util.Arrays.copyOfRange(msg, off + at, off + at + 16));
  }

  /** A cookie reply to {@code msg} (sent with sender index {@code sender}) from {@code source}. */
  public CookieReply reply(byte[] msg, int off, int len, int sender, byte[] source, long nowNanos) {
    byte[] cookie = cookie(source, nowNanos);
    byte[] nonce = new byte[XChaChaPoly.NONCE_LENGTH];
    random.accept(nonce);
    int at = Messages.mac1Offset(len);
    byte[] mac1 = java.util.Arrays.copyOfRange(msg, off + at, off + at + 16);
    return new CookieReply(sender, nonce, XChaChaPoly.seal(local.cookieKey, nonce, cookie, mac1));
  }

  private synchronized byte[] cookie(byte[] source, long nowNanos) {
    if (!secretSet || nowNanos - secretSetNanos >= Spec.COOKIE_REFRESH_TIME.toNanos()) {
      random.accept(secret);
      secretSetNanos = nowNanos;
      secretSet = true;
    }
    return Blake2s.mac(secret, source, 0, source.length);
  }

  @Override
  public String toString() {
    return "CookieChecker<redacted>";
  }
}
