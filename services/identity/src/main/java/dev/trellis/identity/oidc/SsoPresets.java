package dev.trellis.identity.oidc;

import dev.trellis.proto.event.v1.OidcConfig;
import dev.trellis.proto.event.v1.SsoProvider;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the single sign-on presets live: Google's issuer, Microsoft's issuer for a tenant and
 * GitHub's OAuth and REST endpoints. A tenant administrator cannot move a preset to another host;
 * only tests can, with the system properties {@code trellis.identity.sso.test.google-issuer},
 * {@code trellis.identity.sso.test.microsoft-base} (replaces {@code
 * https://login.microsoftonline.com}), {@code trellis.identity.sso.test.github-web} (replaces
 * {@code https://github.com}) and {@code trellis.identity.sso.test.github-api} (replaces {@code
 * https://api.github.com}); these may be plain http.
 *
 * <p>Thread-safety: stateless.
 */
public final class SsoPresets {
  /** Google's issuer. */
  public static final String GOOGLE_ISSUER = "https://accounts.google.com";

  /** Microsoft's login host. */
  public static final String MICROSOFT_BASE = "https://login.microsoftonline.com";

  /** GitHub's web host (authorize, token). */
  public static final String GITHUB_WEB = "https://github.com";

  /** GitHub's REST API. */
  public static final String GITHUB_API = "https://api.github.com";

  /** The tenant of personal Microsoft accounts. */
  public static final String CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

  private static final Pattern TENANT_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private static final String PROPERTY = "trellis.identity.sso.test.";

  private SsoPresets() {}

  /** The provider kind of {@code oidc}, generic OIDC for configurations older than presets. */
  public static SsoProvider kind(OidcConfig oidc) {
    return switch (oidc.getProvider()) {
      case SSO_GITHUB, SSO_GOOGLE, SSO_MICROSOFT -> oidc.getProvider();
      default -> SsoProvider.SSO_OIDC;
    };
  }

  /** The lower-case name of a provider kind: oidc, github, google, microsoft. */
  public static String name(SsoProvider p) {
    return switch (p) {
      case SSO_GITHUB -> "github";
      case SSO_GOOGLE -> "google";
      case SSO_MICROSOFT -> "microsoft";
      default -> "oidc";
    };
  }

  /** The kind named {@code name} (oidc, github, google, microsoft), or null. */
  public static SsoProvider parse(String name) {
    return switch (name == null ? "" : name.strip().toLowerCase(Locale.ROOT)) {
      case "oidc" -> SsoProvider.SSO_OIDC;
      case "github" -> SsoProvider.SSO_GITHUB;
      case "google" -> SsoProvider.SSO_GOOGLE;
      case "microsoft" -> SsoProvider.SSO_MICROSOFT;
      default -> null;
    };
  }

  /**
   * A Microsoft tenant in its stored form: {@code common}, {@code organizations}, {@code consumers}
   * or a tenant id (lower-case GUID); null if it is none of these.
   */
  public static String tenant(String t) {
    String v = t == null ? "" : t.strip().toLowerCase(Locale.ROOT);
    if (v.equals("common") || v.equals("organizations") || v.equals("consumers")) {
      return v;
    }
    return TENANT_ID.matcher(v).matches() ? v : null;
  }

  /** Whether {@code tid} has the form of a tenant id. */
  public static boolean isTenantId(String tid) {
    return tid != null && TENANT_ID.matcher(tid).matches();
  }

  /** Whether the Microsoft {@code tenant} is one of the multi-tenant endpoints. */
  public static boolean multiTenant(String tenant) {
    return tenant.equals("common") || tenant.equals("organizations") || tenant.equals("consumers");
  }

  /**
   * The issuer a preset stores in {@code issuer_url} (what users' subjects are qualified with):
   * Google's, Microsoft's for the tenant, GitHub's web host.
   */
  public static String storedIssuer(SsoProvider p, String tenant) {
    return switch (p) {
      case SSO_GOOGLE -> GOOGLE_ISSUER;
      case SSO_MICROSOFT -> MICROSOFT_BASE + "/" + tenant + "/v2.0";
      case SSO_GITHUB -> GITHUB_WEB;
      default -> throw new IllegalArgumentException("not a preset: " + p);
    };
  }

  /**
   * The issuer to discover and verify ID tokens against: the configured one, or for a preset the
   * preset's (moved only by the test properties).
   */
  public static String issuer(OidcConfig oidc) {
    return switch (kind(oidc)) {
      case SSO_GOOGLE -> override("google-issuer", GOOGLE_ISSUER);
      case SSO_MICROSOFT ->
          override("microsoft-base", MICROSOFT_BASE) + "/" + oidc.getTenant() + "/v2.0";
      case SSO_GITHUB -> override("github-web", GITHUB_WEB);
      default -> oidc.getIssuerUrl();
    };
  }

  /** GitHub's authorization endpoint. */
  public static URI githubAuthorize() {
    return URI.create(override("github-web", GITHUB_WEB) + "/login/oauth/authorize");
  }

  /** GitHub's token endpoint. */
  public static URI githubToken() {
    return URI.create(override("github-web", GITHUB_WEB) + "/login/oauth/access_token");
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
