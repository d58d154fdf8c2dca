package dev.trellis.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzz-style: random and mutated tokens are rejected with a typed failure, never an exception. */
class JwtVerifierFuzzTest {
  private final ECKey key;
  private final String good;

  JwtVerifierFuzzTest() throws JOSEException {
    key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    good = JwtVerifierTest.es256(key, JwtVerifierTest.claims().build());
  }

  private JwtVerifier verifier() {
    return JwtVerifier.builder()
        .jwks(new com.nimbusds.jose.jwk.JWKSet(key))
        .issuer(JwtVerifierTest.ISSUER)
        .audience(JwtVerifierTest.AUDIENCE)
        .clock(java.time.Clock.fixed(JwtVerifierTest.NOW, java.time.ZoneOffset.UTC))
        .build();
  }

  @Property(tries = 500)
  void randomTextIsRejected(@ForAll String token) {
    assertInstanceOf(JwtResult.Rejected.class, verifier().verify(token));
  }

  @Property(tries = 500)
  void mutatedTokensAreRejected(@ForAll("mutations") String token) {
    JwtResult result = verifier().verify(token);
    if (result instanceof JwtResult.Verified) {
      // Only a mutation that decodes to the same bytes (non-canonical trailing base64 bits) may
      // still verify: the signed content and the signature must be unchanged.
      try {
        SignedJWT original = SignedJWT.parse(good);
        SignedJWT mutated = SignedJWT.parse(token);
        assertArrayEquals(original.getSigningInput(), mutated.getSigningInput(), token);
        assertArrayEquals(original.getSignature().decode(), mutated.getSignature().decode(), token);
      } catch (ParseException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Provide
  Arbitrary<String> mutations() {
    return Arbitraries.integers()
        .between(0, good.length() - 1)
        .flatMap(
            at ->
                Arbitraries.chars()
                    .with('.', '-', '_', 'A', 'e', '=', '{', '%')
                    .range('0', 'z')
                    .map(c -> good.substring(0, at) + c + good.substring(at + 1)));
  }
}
