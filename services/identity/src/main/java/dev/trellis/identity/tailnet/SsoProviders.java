package dev.trellis.identity.tailnet;

import dev.trellis.proto.event.v1.OidcConfig;
import dev.trellis.proto.event.v1.SsoProvider;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kinds of single sign-on a tailnet may configure and what is stored for each: their names
 * (oidc, github, google, microsoft), Microsoft's tenants, and the issuer a preset stores (what
 * users' subjects are qualified with). Where the sign-in then goes is {@code oidc.SsoPresets}.
 *
 * <p>Thread-safety: stateless.
 */
public final class SsoProviders {
  /** Google's issuer. */
  public static final String GOOGLE_ISSUER = "https://accounts.google.com";

  /** Microsoft's login host. */
  public static final String MICROSOFT_BASE = "https://login.microsoftonline.com";

  /** GitHub's web host (authorize, token). */
  public static final String GITHUB_WEB = "https://github.com";

  /** The tenant of personal Microsoft accounts. */
  public static final String CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

  private static final Pattern TENANT_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private SsoProviders() {}

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
}
