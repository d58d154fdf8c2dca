package dev.trellis.identity.authkey;

import dev.trellis.runtime.access.ApiTokenText;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text form of auth keys: {@code trellis-auth-<key id>-<secret>}, the id 16 hex digits (public:
 * it names the key in lists and audit output), the secret 32 random bytes in URL-safe base64. Keys
 * are stored only as {@code sha256:<hex>} of the whole text: the secret has 256 bits of entropy, so
 * a slow hash adds nothing.
 *
 * <p>Thread-safety: stateless; the random source is thread-safe.
 */
public final class AuthKeyText {
  /** Every auth key starts with this. */
  public static final String PREFIX = "trellis-auth-";

  /** Length of a display prefix: {@code trellis-auth-} and the 16-digit id. */
  public static final int PREFIX_LENGTH = PREFIX.length() + 16;

  private static final Pattern FORM =
      Pattern.compile("trellis-auth-([0-9a-f]{16})-[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AuthKeyText() {}

  /** A fresh key text for {@code keyId}; show it once, store only {@link #hash}. */
  public static String generate(String keyId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + keyId + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The key id inside {@code text}, or empty when it is not of the key form. */
  public static Optional<String> keyId(String text) {
    if (text == null || text.length() > 200) {
      return Optional.empty();
    }
    var m = FORM.matcher(text);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** {@code trellis-auth-<id>}, safe to show. */
  public static String displayPrefix(String keyId) {
    return PREFIX + keyId;
  }

  /** {@code sha256:<hex>} of the whole text. */
  public static String hash(String text) {
    return "sha256:" + ApiTokenText.sha256(text);
  }

  /** Compares two stored hashes in constant time. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(), b.getBytes());
  }

  /**
   * The first characters of presented text, for audit: at most a real prefix's length, printable
   * ASCII only, so the secret part never reaches the log.
   */
  public static String presentedPrefix(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < PREFIX_LENGTH; i++) {
      char ch = text.charAt(i);
      out.append(ch > ' ' && ch < 0x7f ? ch : '?');
    }
    return out.toString();
  }
}
