package dev.trellis.runtime.access;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The browser's way to call the admin API: the session JWT in the {@value #COOKIE} cookie
 * (HttpOnly, SameSite=Strict, Secure over TLS), with CSRF protection. A request authenticated by
 * the cookie whose method is not GET or HEAD must carry {@value #CSRF_HEADER} equal to the
 * session's CSRF secret ({@link #csrfOf}: a digest of the session token, so only a page that was
 * told it by the API — which a cross-site page cannot read — knows it), and when it has an {@code
 * Origin} header, that origin must be this server's; otherwise it is refused (403 {@code
 * FORBIDDEN}, saying why). A request with an {@code Authorization} header is a bearer request and
 * is unchanged: the cookie is ignored.
 *
 * <p>Thread-safety: stateless.
 */
public final class BrowserSession {
  /** The session cookie's name. */
  public static final String COOKIE = "trellis_session";

  /** The header carrying the CSRF secret on a cookie-authenticated state change. */
  public static final String CSRF_HEADER = "X-Trellis-CSRF";

  private BrowserSession() {}

  /**
   * The session token of a cookie-authenticated request, after the CSRF checks; empty when the
   * request has an Authorization header or no session cookie.
   *
   * @throws ApiException 403 when a state change lacks the CSRF header, carries a wrong one, or
   *     comes from another origin
   */
  public static java.util.Optional<String> token(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.getHeader("Authorization") != null) {
      return java.util.Optional.empty();
    }
    Cookie cookie = request.getCookie(COOKIE);
    if (cookie == null || cookie.getValue().isEmpty()) {
      return java.util.Optional.empty();
    }
    String token = cookie.getValue();
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      String origin = request.getHeader("Origin");
      if (origin != null && !origin.equalsIgnoreCase(origin(request))) {
        throw ApiException.of(
            ErrorCode.FORBIDDEN,
            "Cross-origin request refused: a session cookie is accepted only from this server's"
                + " own pages.");
      }
      String sent = request.getHeader(CSRF_HEADER);
      if (sent == null || sent.isEmpty()) {
        throw ApiException.of(
            ErrorCode.FORBIDDEN,
            "CSRF check failed: a request signed in by cookie must send the "
                + CSRF_HEADER
                + " header (GET /api/v1/session tells its value).");
      }
      if (!MessageDigest.isEqual(
          sent.getBytes(StandardCharsets.UTF_8), csrfOf(token).getBytes(StandardCharsets.UTF_8))) {
        throw ApiException.of(
            ErrorCode.FORBIDDEN,
            "CSRF check failed: the " + CSRF_HEADER + " header does not match the session.");
      }
    }
    return java.util.Optional.of(token);
  }

  /** The CSRF secret of a session token: base64url SHA-256 of a label and the token. */
  public static String csrfOf(String sessionToken) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("trellis-csrf:" + sessionToken).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the request came over TLS, directly or through a proxy that says so. */
  public static boolean secure(HttpServerRequest request) {
    String forwarded = request.getHeader("X-Forwarded-Proto");
    return request.isSSL()
        || (forwarded != null && forwarded.strip().toLowerCase(Locale.ROOT).startsWith("https"));
  }

  /** The {@code Set-Cookie} value that stores {@code token} as the session. */
  public static String cookie(HttpServerRequest request, String token, long maxAgeSeconds) {
    return cookie(request, token, maxAgeSeconds, "Strict");
  }

  /**
   * The {@code Set-Cookie} value that stores {@code token} as the session when the answer ends a
   * navigation that began on another site (the single sign-on callback): SameSite=Lax, so the
   * browser keeps it through the redirect back to the console; state changes still need the CSRF
   * header.
   */
  public static String cookieAfterRedirect(
      HttpServerRequest request, String token, long maxAgeSeconds) {
    return cookie(request, token, maxAgeSeconds, "Lax");
  }

  private static String cookie(
      HttpServerRequest request, String token, long maxAgeSeconds, String sameSite) {
    return COOKIE
        + "="
        + token
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite="
        + sameSite
        + (secure(request) ? "; Secure" : "");
  }

  /** The {@code Set-Cookie} value that clears the session. */
  public static String clearedCookie(HttpServerRequest request) {
    return COOKIE
        + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
        + (secure(request) ? "; Secure" : "");
  }

  /** This server's origin as the browser names it. */
  static String origin(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    String scheme = secure(request) ? "https" : "http";
    if (authority == null) {
      return scheme + "://" + request.localAddress().hostAddress();
    }
    boolean defaultPort =
        authority.port() < 0
            || (scheme.equals("https") && authority.port() == 443)
            || (scheme.equals("http") && authority.port() == 80);
    return scheme + "://" + authority.host() + (defaultPort ? "" : ":" + authority.port());
  }
}
