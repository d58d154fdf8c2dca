package dev.trellis.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  static final String ISSUER = "https://id.trellis.test";
  static final String AUDIENCE = "trellis-admin";
  static ECKey ecKey;
  static ECKey otherEcKeySameKid;
  static RSAKey rsaKey;

  @BeforeAll
  static void keys() throws JOSEException {
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    otherEcKeySameKid = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
  }

  static JwtVerifier verifier() {
    return JwtVerifier.builder()
        .jwks(new JWKSet(List.of(ecKey, rsaKey)))
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .clockSkew(Duration.ofSeconds(30))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .subject("user-42")
        .issuer(ISSUER)
        .audience(List.of("other", AUDIENCE))
        .issueTime(Date.from(NOW.minusSeconds(60)))
        .expirationTime(Date.from(NOW.plusSeconds(600)));
  }

  static String es256(ECKey key, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  static JwtFailure failure(JwtResult result) {
    return assertInstanceOf(JwtResult.Rejected.class, result).failure();
  }

  @Test
  void acceptsAGoodEs256AndRs256Token() throws Exception {
    JwtResult ec = verifier().verify(es256(ecKey, claims().build()));
    assertEquals("user-42", assertInstanceOf(JwtResult.Verified.class, ec).claims().getSubject());
    SignedJWT rsa =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims().build());
    rsa.sign(new RSASSASigner(rsaKey));
    assertEquals("user-42", verifier().verify(rsa.serialize()).claimsOrThrow().getSubject());
  }

  @Test
  void rejectsABadSignature() throws Exception {
    assertEquals(
        JwtFailure.BAD_SIGNATURE,
        failure(verifier().verify(es256(otherEcKeySameKid, claims().build()))));
    String good = es256(ecKey, claims().build());
    String tampered =
        good.substring(0, good.lastIndexOf('.') + 1)
            + "AAAA"
            + good.substring(good.lastIndexOf('.') + 5);
    assertEquals(JwtFailure.BAD_SIGNATURE, failure(verifier().verify(tampered)));
  }

  @Test
  void rejectsWrongIssuerAndAudience() throws Exception {
    assertEquals(
        JwtFailure.WRONG_ISSUER,
        failure(verifier().verify(es256(ecKey, claims().issuer("https://evil.test").build()))));
    assertEquals(
        JwtFailure.WRONG_AUDIENCE,
        failure(verifier().verify(es256(ecKey, claims().audience("someone-else").build()))));
    assertEquals(
        JwtFailure.WRONG_AUDIENCE,
        failure(verifier().verify(es256(ecKey, claims().audience((String) null).build()))));
  }

  @Test
  void expiryHonoursTheClockSkew() throws Exception {
    JwtResult expired =
        verifier()
            .verify(es256(ecKey, claims().expirationTime(Date.from(NOW.minusSeconds(31))).build()));
    assertEquals(JwtFailure.EXPIRED, failure(expired));
    assertEquals(ErrorCode.TOKEN_EXPIRED, failure(expired).errorCode());
    assertInstanceOf(
        JwtResult.Verified.class,
        verifier()
            .verify(
                es256(ecKey, claims().expirationTime(Date.from(NOW.minusSeconds(29))).build())));
    assertEquals(
        JwtFailure.EXPIRED,
        failure(verifier().verify(es256(ecKey, claims().expirationTime(null).build()))));
    assertEquals(
        JwtFailure.NOT_YET_VALID,
        failure(
            verifier()
                .verify(
                    es256(
                        ecKey, claims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build()))));
  }

  @Test
  void rejectsDisallowedAlgorithmsUnsignedTokensUnknownKeysAndGarbage() throws Exception {
    SignedJWT hs =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("ec-1").build(), claims().build());
    hs.sign(new MACSigner(new byte[32]));
    assertEquals(JwtFailure.ALGORITHM_NOT_ALLOWED, failure(verifier().verify(hs.serialize())));
    assertEquals(
        JwtFailure.MALFORMED,
        failure(verifier().verify(new PlainJWT(claims().build()).serialize())));
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("ec-9").generate();
    JwtResult unknown = verifier().verify(es256(stranger, claims().build()));
    assertEquals(JwtFailure.UNKNOWN_KEY, failure(unknown));
    assertEquals(ErrorCode.SIGNING_KEY_UNKNOWN, failure(unknown).errorCode());
    assertEquals(JwtFailure.MALFORMED, failure(verifier().verify("not.a.jwt")));
    assertEquals(JwtFailure.MALFORMED, failure(verifier().verify("")));
    assertEquals(JwtFailure.MALFORMED, failure(verifier().verify("a".repeat(20_000))));
    ApiException e =
        assertThrows(ApiException.class, () -> verifier().verify("x.y.z").claimsOrThrow());
    assertEquals(ErrorCode.TOKEN_INVALID, e.code());
  }

  @Test
  void fetchesTheJwksOverHttpAndReportsAnOutage() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] jwks = new JWKSet(ecKey).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/.well-known/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    server.start();
    int port = server.getAddress().getPort();
    try {
      JwtVerifier remote =
          JwtVerifier.builder()
              .jwksUrl(
                  URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json").toURL(),
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(2))
              .issuer(ISSUER)
              .audience(AUDIENCE)
              .allowedAlgorithms(Set.of(JWSAlgorithm.ES256))
              .clock(Clock.fixed(NOW, ZoneOffset.UTC))
              .build();
      assertInstanceOf(JwtResult.Verified.class, remote.verify(es256(ecKey, claims().build())));
      assertInstanceOf(JwtResult.Verified.class, remote.verify(es256(ecKey, claims().build())));
      assertEquals(1, fetches.get(), "the JWKS is cached");
      assertEquals(
          JwtFailure.BAD_SIGNATURE,
          failure(remote.verify(es256(otherEcKeySameKid, claims().build()))));
    } finally {
      server.stop(0);
    }
    JwtVerifier down =
        JwtVerifier.builder()
            .jwksUrl(
                URI.create("http://127.0.0.1:" + port + "/.well-known/jwks.json").toURL(),
                Duration.ofMinutes(5),
                Duration.ofSeconds(1))
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .build();
    JwtResult outage = down.verify(es256(ecKey, claims().build()));
    assertEquals(JwtFailure.KEYS_UNAVAILABLE, failure(outage));
    assertFalse(((JwtResult.Rejected) outage).detail().contains("eyJ"), "no token in the detail");
  }
}
