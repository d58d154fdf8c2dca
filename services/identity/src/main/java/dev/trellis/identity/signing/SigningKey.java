package dev.trellis.identity.signing;

import com.nimbusds.jose.jwk.ECKey;
import java.util.Objects;

/**
 * One ES256 signing key pair of identity. Holds private key material: {@link #toString()} shows
 * only the key id, and there is no {@code equals}.
 *
 * <p>Thread-safety: immutable.
 */
public final class SigningKey {
  private final ECKey pair;

  SigningKey(ECKey pair) {
    this.pair = Objects.requireNonNull(pair, "pair");
    if (!pair.isPrivate()) {
      throw new IllegalArgumentException("a signing key needs its private half");
    }
  }

  /** The key id (JWT {@code kid}). */
  public String kid() {
    return pair.getKeyID();
  }

  /** The public half as a JWK. */
  public ECKey publicJwk() {
    return pair.toPublicJWK();
  }

  /** The pair, for signing only. */
  ECKey pair() {
    return pair;
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid() + ", private=redacted]";
  }
}
