package dev.trellis.identity.oidc;

import com.nimbusds.jwt.SignedJWT;
import dev.trellis.identity.tailnet.SsoProviders;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.text.ParseException;

/**
 * The issuer a Microsoft ID token must carry when the tailnet uses a multi-tenant endpoint ({@code
 * common}, {@code organizations}, {@code consumers}): the discovery document's template ({@code
 * https://login.microsoftonline.com/{tenantid}/v2.0}) with the token's own {@code tid} claim put
 * in. The token's signature, audience and expiry are then verified against that issuer as usual, so
 * a token whose {@code iss} does not belong to its {@code tid} is refused. {@code organizations}
 * refuses the personal-account tenant; {@code consumers} accepts only it.
 *
 * <p>Thread-safety: stateless.
 */
final class MicrosoftIssuer {
  private MicrosoftIssuer() {}

  /** The tenant id ({@code tid}) of {@code idToken}, read before verification. */
  static String tenantOf(String idToken) {
    Object tid;
    try {
      tid = SignedJWT.parse(idToken).getJWTClaimsSet().getClaim("tid");
    } catch (ParseException | RuntimeException e) {
      throw ApiException.of(
          ErrorCode.OIDC_TOKEN_INVALID, null, new IllegalStateException("ID token unreadable"));
    }
    if (!(tid instanceof String t) || !SsoProviders.isTenantId(t)) {
      throw ApiException.of(
          ErrorCode.OIDC_TOKEN_INVALID,
          null,
          new IllegalStateException("ID token lacks a tenant id (tid)"));
    }
    return t;
  }

  /** The expected issuer for a token of tenant {@code tid} signing in at {@code tenant}. */
  static String expected(String template, String tenant, String tid) {
    boolean consumer = SsoProviders.CONSUMER_TENANT.equals(tid);
    if (tenant.equals("organizations") && consumer) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED,
          "Personal Microsoft accounts may not sign in to this tailnet.");
    }
    if (tenant.equals("consumers") && !consumer) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED,
          "Only personal Microsoft accounts may sign in to this tailnet.");
    }
    return template.replace(ProviderMetadata.TENANT, tid);
  }
}
