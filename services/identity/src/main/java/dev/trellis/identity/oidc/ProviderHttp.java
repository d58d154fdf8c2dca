package dev.trellis.identity.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON calls to an identity provider's endpoints, each with a ten-second timeout and at most 1 MiB
 * of answer. The answer is untrusted: anything that is not JSON is refused ({@code
 * OIDC_PROVIDER_UNAVAILABLE}), and text from it appears in causes only escaped and truncated.
 *
 * <p>Thread-safety: thread-safe; methods block on the network (call from workers).
 */
final class ProviderHttp {
  static final int MAX_BYTES = 1 << 20;
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final HttpClient http;

  /** An answer: status, JSON body and the {@code rel="next"} link if any. */
  record Answer(int status, JsonNode json, URI next) {}

  ProviderHttp(HttpClient http) {
    this.http = http;
  }

  /** Sends {@code request} (timeout added) and reads the JSON answer, whatever its status. */
  Answer send(HttpRequest.Builder request, String what) {
    try {
      HttpResponse<InputStream> r =
          http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] raw;
      try (InputStream in = r.body()) {
        raw = in.readNBytes(MAX_BYTES + 1);
      }
      if (raw.length > MAX_BYTES) {
        throw unavailable(what + " answered more than " + MAX_BYTES + " bytes");
      }
      JsonNode json;
      try {
        json = raw.length == 0 ? JSON.missingNode() : JSON.readTree(raw);
      } catch (JsonProcessingException e) {
        throw unavailable(
            what + " answered " + r.statusCode() + " with malformed JSON: " + quote(raw));
      }
      URI next = null;
      String link = r.headers().firstValue("Link").orElse("");
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        try {
          next = URI.create(m.group(1));
        } catch (IllegalArgumentException e) {
          next = null;
        }
      }
      return new Answer(r.statusCode(), json, next);
    } catch (IOException e) {
      throw ApiException.of(
          ErrorCode.OIDC_PROVIDER_UNAVAILABLE, "The identity provider could not be reached.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(what + ": interrupted");
    }
  }

  static ApiException unavailable(String why) {
    return ApiException.of(
        ErrorCode.OIDC_PROVIDER_UNAVAILABLE,
        "The identity provider answered something unusable.",
        new IllegalStateException(why));
  }

  /** At most 200 characters of provider text, control and non-ASCII characters escaped. */
  static String quote(byte[] raw) {
    return quote(
        new String(raw, 0, Math.min(raw.length, 400), java.nio.charset.StandardCharsets.UTF_8));
  }

  /** At most 200 characters of provider text, control and non-ASCII characters escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b.append(c);
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.append(s.length() > 200 ? "\"..." : "\"").toString();
  }
}
