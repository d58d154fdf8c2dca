package dev.trellis.identity.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OIDC provider's discovery document ({@code <issuer>/.well-known/openid-configuration}),
 * fetched over HTTP and cached per issuer for five minutes. The document must name the configured
 * issuer exactly (or, for Microsoft's multi-tenant endpoints, an issuer template holding {@code
 * {tenantid}}, which {@link Endpoints#issuer} then is) and give the authorization, token and JWKS
 * endpoints; anything else, an unreachable provider or an answer over 1 MiB is {@code
 * OIDC_PROVIDER_UNAVAILABLE}.
 *
 * <p>Thread-safety: thread-safe; {@link #of} blocks on the network (call from workers).
 */
public final class ProviderMetadata {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final int MAX_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The placeholder in a multi-tenant issuer template. */
  public static final String TENANT = "{tenantid}";

  private final HttpClient http;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** The endpoints of one provider. */
  public record Endpoints(String issuer, URI authorization, URI token, URI jwks) {}

  private record Cached(Endpoints endpoints, Instant until) {}

  public ProviderMetadata(HttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** The endpoints of {@code issuer}. */
  public Endpoints of(String issuer) {
    return of(issuer, false);
  }

  /**
   * The endpoints of {@code issuer}; with {@code tenantTemplate}, the discovery document must
   * instead name an issuer template with exactly one {@code {tenantid}} (as Microsoft's {@code
   * common}, {@code organizations} and {@code consumers} documents do).
   */
  public Endpoints of(String issuer, boolean tenantTemplate) {
    String key = (tenantTemplate ? "T|" : "I|") + issuer;
    Cached c = cache.get(key);
    if (c != null && clock.instant().isBefore(c.until())) {
      return c.endpoints();
    }
    Endpoints e = fetch(issuer, tenantTemplate);
    cache.put(key, new Cached(e, clock.instant().plus(TTL)));
    return e;
  }

  private Endpoints fetch(String issuer, boolean tenantTemplate) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Accept", "application/json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readNBytes(MAX_BYTES + 1);
      }
      if (r.statusCode() != 200 || body.length > MAX_BYTES) {
        throw unavailable("discovery answered " + r.statusCode());
      }
      JsonNode doc = JSON.readTree(body);
      String named = doc.path("issuer").asText("");
      if (tenantTemplate) {
        int at = named.indexOf(TENANT);
        if (at < 0
            || named.indexOf(TENANT, at + 1) >= 0
            || URI.create(named.replace(TENANT, "t")).getHost() == null) {
          throw unavailable("discovery names no {tenantid} issuer template");
        }
      } else if (!issuer.equals(named)) {
        throw unavailable("discovery names another issuer");
      }
      return new Endpoints(
          named,
          uri(doc, "authorization_endpoint"),
          uri(doc, "token_endpoint"),
          uri(doc, "jwks_uri"));
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.of(
          ErrorCode.OIDC_PROVIDER_UNAVAILABLE, "The identity provider could not be reached.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted");
    }
  }

  private static URI uri(JsonNode doc, String field) {
    String text = doc.path(field).asText("");
    URI u = URI.create(text);
    if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
      throw unavailable("discovery lacks " + field);
    }
    return u;
  }

  private static ApiException unavailable(String why) {
    return ApiException.of(
        ErrorCode.OIDC_PROVIDER_UNAVAILABLE,
        "The identity provider's configuration is unusable.",
        new IllegalStateException(why));
  }
}
