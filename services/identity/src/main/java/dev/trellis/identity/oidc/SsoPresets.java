package dev.trellis.identity.oidc;

import dev.trellis.identity.tailnet.SsoProviders;
import dev.trellis.proto.event.v1.OidcConfig;
import java.net.URI;

/**
 * Where the single sign-on presets ({@link SsoProviders}) sign in: Google's issuer, Microsoft's
 * issuer for a tenant and GitHub's OAuth and REST endpoints. A tenant administrator cannot move a
 * preset to another host; only tests can, with the system properties {@code
 * trellis.identity.sso.test.google-issuer}, {@code trellis.identity.sso.test.microsoft-base}
 * (replaces {@code https://login.microsoftonline.com}), {@code
 * trellis.identity.sso.test.github-web} (replaces {@code https://github.com}) and {@code
 * trellis.identity.sso.test.github-api} (replaces {@code https://api.github.com}); these may be
 * plain http.
 *
 * <p>Thread-safety: stateless.
 */
public final class SsoPresets {
  /** GitHub's REST API. */
  public static final String GITHUB_API = "https://api.github.com";

  private static final String PROPERTY = "trellis.identity.sso.test.";

  private SsoPresets() {}

  /**
   * The issuer to discover and verify ID tokens against: the configured one, or for a preset the
   * preset's (moved only by the test properties).
   */
  public static String issuer(OidcConfig oidc) {
    return switch (SsoProviders.kind(oidc)) {
      case SSO_GOOGLE -> override("google-issuer", SsoProviders.GOOGLE_ISSUER);
      case SSO_MICROSOFT ->
          override("microsoft-base", SsoProviders.MICROSOFT_BASE)
              + "/"
              + oidc.getTenant()
              + "/v2.0";
      case SSO_GITHUB -> override("github-web", SsoProviders.GITHUB_WEB);
      default -> oidc.getIssuerUrl();
    };
  }

  /** GitHub's authorization endpoint. */
  public static URI githubAuthorize() {
    return URI.create(override("github-web", SsoProviders.GITHUB_WEB) + "/login/oauth/authorize");
  }

  /** GitHub's token endpoint. */
  public static URI githubToken() {
    return URI.create(
        override("github-web", SsoProviders.GITHUB_WEB) + "/login/oauth/access_token");
  }

  /** A path of GitHub's REST API, e.g. {@code /user}. */
  public static URI githubApi(String path) {
    return URI.create(override("github-api", GITHUB_API) + path);
  }

  private static String override(String key, String production) {
    String v = System.getProperty(PROPERTY + key);
    return v == null || v.isBlank() ? production : v.strip();
  }
}
