package dev.trellis.runtime.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text form of API tokens: {@code trellis-api-<token id>-<secret>}, where the id is 16 hex
 * digits (public: it names the token in lists and audit output) and the secret is 32 random bytes
 * in URL-safe base64. Tokens are stored only as the SHA-256 digest of the whole text; a slow
 * password hash is unnecessary because the secret carries 256 bits of entropy.
 *
 * <p>Thread-safety: stateless; the random source is thread-safe.
 */
public final class ApiTokenText {
  /** Every API token starts with this, so leaked tokens are easy to recognise and scan for. */
  public static final String PREFIX = "trellis-api-";

  private static final Pattern FORM =
      Pattern.compile("trellis-api-([0-9a-f]{16})-[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiTokenText() {}

  /** A fresh token id: 16 random hex digits. */
  public static String newTokenId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** A fresh token text for {@code tokenId}; show it once, store only {@link #sha256}. */
  public static String generate(String tokenId) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + tokenId + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The token id inside {@code text}, or empty when the text is not of the token form. */
  public static Optional<String> tokenId(String text) {
    if (text == null) {
      return Optional.empty();
    }
    var m = FORM.matcher(text);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The first characters of a token, safe to show in lists: {@code trellis-api-<id>}. */
  public static String displayPrefix(String tokenId) {
    return PREFIX + tokenId;
  }

  /** Lower-case hex SHA-256 of the whole token text. */
  public static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** Compares two hex digests in constant time. */
  static boolean sameDigest(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
