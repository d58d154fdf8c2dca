package dev.trellis.proto.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decides once per process which {@link ChaChaPoly} {@link ChaChaPoly#create()} returns, and logs
 * the choice once. OpenSSL libcrypto through FFM ({@link OpenSslChaChaPoly} with {@link
 * OpenSslChaChaPoly.Transfer#NATIVE_COPY}: fastest, and the transfer that reliably allocates
 * nothing per packet) when it loads and passes the RFC 8439 §2.8.2 AEAD vector, else the JDK
 * cipher. The system property {@value #PROPERTY} ({@code openssl}, {@code jdk} or {@code bc})
 * forces a choice; forcing {@code openssl} where it cannot work makes {@code create()} fail rather
 * than silently run slower.
 *
 * <p>Thread-safety: immutable after class initialisation.
 */
final class AeadChoice {
  /** The system property that forces an implementation. */
  static final String PROPERTY = "trellis.crypto.aead";

  /** The implementations there are to choose from. */
  enum Kind {
    OPENSSL,
    JDK,
    BC
  }

  private static final System.Logger LOG = System.getLogger(ChaChaPoly.class.getName());
  private static final HexFormat HEX = HexFormat.of();

  /** The chosen implementation, or null when a forced choice cannot be honoured. */
  static final Kind KIND;

  /** Why a forced choice cannot be honoured, or null. */
  private static final String FAILURE;

  static {
    String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    Kind kind = null;
    String failure = null;
    String why;
    String openSslProblem = openSslProblem();
    switch (forced) {
      case "" -> {
        if (openSslProblem == null) {
          kind = Kind.OPENSSL;
          why = OpenSslChaChaPoly.openSslVersion() + " via FFM, self-test passed";
        } else {
          kind = Kind.JDK;
          why = "OpenSSL not usable (" + openSslProblem + ")";
        }
      }
      case "openssl" -> {
        why = PROPERTY + "=openssl";
        if (openSslProblem == null) {
          kind = Kind.OPENSSL;
          why += ", " + OpenSslChaChaPoly.openSslVersion();
        } else {
          failure = PROPERTY + "=openssl but OpenSSL is not usable: " + openSslProblem;
        }
      }
      case "jdk" -> {
        kind = Kind.JDK;
        why = PROPERTY + "=jdk";
      }
      case "bc" -> {
        kind = Kind.BC;
        why = PROPERTY + "=bc";
      }
      default -> {
        why = "";
        failure = PROPERTY + " must be openssl, jdk or bc, not '" + forced + "'";
      }
    }
    KIND = kind;
    FAILURE = failure;
    if (failure != null) {
      LOG.log(System.Logger.Level.ERROR, "ChaCha20-Poly1305: " + failure);
    } else {
      LOG.log(System.Logger.Level.INFO, "ChaCha20-Poly1305 implementation: {0} ({1})", kind, why);
    }
  }

  private AeadChoice() {}

  /** A new instance of the chosen implementation. */
  static ChaChaPoly create() {
    if (KIND == null) {
      throw new IllegalStateException(FAILURE);
    }
    return switch (KIND) {
      case OPENSSL -> new OpenSslChaChaPoly(OpenSslChaChaPoly.Transfer.NATIVE_COPY);
      case JDK -> new JdkChaChaPoly();
      case BC -> new BcChaChaPoly();
    };
  }

  /** Null when OpenSSL loads and passes the self-test, else what went wrong. */
  private static String openSslProblem() {
    if (!OpenSslChaChaPoly.isAvailable()) {
      return "libcrypto: " + LibCrypto.UNAVAILABLE;
    }
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly(OpenSslChaChaPoly.Transfer.NATIVE_COPY)) {
      return selfTest(aead) ? null : "RFC 8439 self-test failed";
    } catch (RuntimeException | LinkageError e) {
      return e.toString();
    }
  }

  /**
   * Seals and opens the RFC 8439 §2.8.2 vector in place at an offset and checks that a flipped tag
   * bit is rejected.
   */
  static boolean selfTest(ChaChaPoly aead) {
    byte[] plain =
        ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
                + " future, sunscreen would be it.")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) (0x80 + i);
    }
    byte[] nonce = HEX.parseHex("070000004041424344454647");
    byte[] ad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    byte[] expected =
        HEX.parseHex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712"
                + "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b"
                + "58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
                + "1ae10b594f09e26a7e902ecbd0600691");
    AeadKey k = new AeadKey(key);
    int off = 5;
    byte[] buf = new byte[off + plain.length + ChaChaPoly.TAG_LENGTH + 3];
    System.arraycopy(plain, 0, buf, off, plain.length);
    int n = aead.seal(k, nonce, buf, off, plain.length, ad);
    if (n != expected.length || !Arrays.equals(buf, off, off + n, expected, 0, expected.length)) {
      return false;
    }
    byte[] tampered = buf.clone();
    tampered[off + n - 1] ^= 1;
    if (aead.open(k, nonce, tampered, off, n, ad) != -1) {
      return false;
    }
    int m = aead.open(k, nonce, buf, off, n, ad);
    return m == plain.length && Arrays.equals(buf, off, off + m, plain, 0, plain.length);
  }
}
