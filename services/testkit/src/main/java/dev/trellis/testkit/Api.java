package dev.trellis.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small JSON HTTP client for the services' tests (bearer token, JSON bodies, error codes).
 * Thread-safe.
 */
public final class Api {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** A response: status, body as JSON (or null), raw body and headers. */
  public record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
    public String code() {
      return json == null ? null : json.path("error").path("code").asText(null);
    }

    public String text(String field) {
      return json.path(field).asText(null);
    }
  }

  private final String base;
  private final String token;

  public Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Api as(String otherToken) {
    return new Api(base, otherToken);
  }

  public String base() {
    return base;
  }

  public Reply get(String path) {
    return send(request(path).GET());
  }

  public Reply post(String path, Object body) {
    try {
      String text = body instanceof String s ? s : JSON.writeValueAsString(body);
      return send(
          request(path)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(text)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Reply delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
            .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public static Reply send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      String body = r.body();
      if (body != null && !body.isBlank() && body.strip().startsWith("{")) {
        try {
          json = JSON.readTree(body);
        } catch (IOException e) {
          json = null;
        }
      }
      return new Reply(r.statusCode(), json, body, r);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
