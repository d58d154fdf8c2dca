package dev.trellis.identity.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (BouncyCastle) in PHC string form: {@code
 * $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} (unpadded standard base64). New hashes
 * use OWASP's minimum (m=19456, t=2, p=1, 16-byte salt, 32-byte hash). Verification reads the
 * parameters from the stored string, bounded so a tampered record cannot make a login take
 * unbounded memory or time, and compares in constant time.
 *
 * <p>Thread-safety: stateless; the random source is thread-safe. Hashing is slow by design: call it
 * on a worker thread.
 */
public final class PasswordHash {
  private static final int MEMORY_KIB = 19456;
  private static final int PASSES = 2;
  private static final int LANES = 1;
  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=([0-9]{1,7}),t=([0-9]{1,2}),p=([0-9]{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{16,128})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {}

  /** A new hash of {@code password} with a fresh salt. */
  public static String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, MEMORY_KIB, PASSES, LANES, 32);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + PASSES
        + ",p="
        + LANES
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(out);
  }

  /** Whether {@code password} matches {@code phc}; false for a malformed or out-of-bounds hash. */
  public static boolean verify(char[] password, String phc) {
    Optional<byte[][]> parsed = Optional.empty();
    int m = 0;
    int t = 0;
    int p = 0;
    if (phc != null) {
      var matcher = PHC.matcher(phc);
      if (matcher.matches()) {
        m = Integer.parseInt(matcher.group(1));
        t = Integer.parseInt(matcher.group(2));
        p = Integer.parseInt(matcher.group(3));
        try {
          byte[] salt = Base64.getDecoder().decode(matcher.group(4));
          byte[] hash = Base64.getDecoder().decode(matcher.group(5));
          Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
          // Canonical encodings only, so a changed unused bit is not an equivalent hash.
          if (b64.encodeToString(salt).equals(matcher.group(4))
              && b64.encodeToString(hash).equals(matcher.group(5))) {
            parsed = Optional.of(new byte[][] {salt, hash});
          }
        } catch (IllegalArgumentException e) {
          parsed = Optional.empty();
        }
      }
    }
    if (parsed.isEmpty() || m < 8 * p || m > 262144 || t < 1 || t > 10 || p < 1 || p > 4) {
      return false;
    }
    byte[] expected = parsed.get()[1];
    byte[] actual = derive(password, parsed.get()[0], m, t, p, expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Spends the time of one verification, for answers about unknown users. */
  public static void burn(char[] password) {
    derive(password, new byte[16], MEMORY_KIB, PASSES, LANES, 32);
  }

  private static byte[] derive(char[] password, byte[] salt, int m, int t, int p, int length) {
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(m)
            .withIterations(t)
            .withParallelism(p)
            .build());
    byte[] out = new byte[length];
    byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
    gen.generateBytes(pw, out);
    java.util.Arrays.fill(pw, (byte) 0);
    return out;
  }
}
