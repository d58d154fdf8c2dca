package dev.trellis.admin.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.ApiException;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.failure.UnreachableException;
import dev.trellis.admin.cli.failure.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The admin API over HTTP: sends requests with the bearer token, returns 2xx bodies, and turns
 * everything else into an {@link AdminCliException} with a clear message — the server's error body
 * ({@link ApiException}), a server that cannot be reached ({@link UnreachableException}), or an
 * answer outside the contract ({@link ResponseException}).
 *
 * <p>Thread-safe (the JDK HttpClient is); close it when done to stop its selector thread.
 */
public final class AdminClient implements AutoCloseable {
  /** Largest JSON body accepted from the server. */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** Longest NDJSON line accepted from the server; longer lines are skipped and counted. */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI server;
  private final String base;
  private final BearerToken token;
  private final String userAgent;
  private final HttpClient http;

  /**
   * @param server the server's base URL (see {@link #serverUri})
   * @param userAgent the User-Agent header, e.g. {@code trellis-admin/0.1.0}
   */
  public AdminClient(URI server, BearerToken token, String userAgent) {
    this.server = server;
    String s = server.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    this.token = token;
    this.userAgent = userAgent;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Checks {@code text} is an absolute http(s) URL with a host; a usage error otherwise. */
  public static URI serverUri(String text) throws UsageException {
    try {
      URI uri = new URI(text.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // explained below
    }
    throw new UsageException(
        "invalid --server '"
            + text
            + "': expected an http:// or https:// URL such as http://127.0.0.1:8080");
  }

  /** GET {@code pathAndQuery}; returns the body of a 2xx answer. */
  public String get(String pathAndQuery) throws AdminCliException, InterruptedException {
    return bodyOf(send(request(pathAndQuery, "application/json").GET()));
  }

  /**
   * POST {@code path} with a JSON body ({@code null} for none); returns the body of a 2xx answer.
   */
  public String post(String path, String json) throws AdminCliException, InterruptedException {
    HttpRequest.Builder b = request(path, "application/json");
    if (json == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    return bodyOf(send(b));
  }

  /** A raw answer: the status and the body, whatever the status. */
  public record Answer(int status, String body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /**
   * POST {@code path} with a text body of {@code contentType} and extra {@code headers}; returns
   * the answer whatever its status, for commands that explain some failures themselves (use {@link
   * #failure} for the rest).
   */
  public Answer postText(
      String path, String contentType, String text, java.util.Map<String, String> headers)
      throws AdminCliException, InterruptedException {
    HttpRequest.Builder b =
        request(path, "application/json")
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    HttpResponse<InputStream> response = send(b);
    try (InputStream in = response.body()) {
      return new Answer(response.statusCode(), readCapped(in));
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
  }

  /** The failure for a non-2xx answer, as every other command reports it. */
  public static ApiException failure(Answer answer) {
    return errorOf(answer.status(), answer.body());
  }

  /** Receives each line of an NDJSON stream; may stop the stream by throwing. */
  @FunctionalInterface
  public interface LineSink {
    /** Called with each line as it arrives, or {@link LineReader#OVERSIZED}. */
    void accept(String line) throws AdminCliException;
  }

  /**
   * GET an NDJSON stream at {@code pathAndQuery} without a time limit, handing each line to {@code
   * sink} as soon as it arrives, until the server ends the response.
   */
  public void stream(String pathAndQuery, LineSink sink)
      throws AdminCliException, InterruptedException {
    HttpRequest.Builder b =
        request(pathAndQuery, "application/x-ndjson").timeout(Duration.ofDays(365)).GET();
    HttpResponse<InputStream> response = send(b);
    try (InputStream in = response.body()) {
      if (response.statusCode() / 100 != 2) {
        throw errorOf(response.statusCode(), readCapped(in));
      }
      LineReader lines = new LineReader(in, MAX_LINE_BYTES);
      for (String line = lines.next(); line != null; line = lines.next()) {
        sink.accept(line);
      }
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
  }

  /** Parses a JSON body, or explains that the server's answer was not JSON. */
  public static JsonNode parse(String body) throws ResponseException {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new ResponseException("the server sent an empty answer where JSON was expected");
      }
      return node;
    } catch (IOException e) {
      throw new ResponseException("the server sent malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  /** The shared JSON mapper (thread-safe), for building request bodies. */
  public static ObjectMapper json() {
    return JSON;
  }

  private HttpRequest.Builder request(String pathAndQuery, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", accept)
            .header("User-Agent", userAgent);
    if (token != null) {
      b.header("Authorization", token.headerValue());
    }
    return b;
  }

  private HttpResponse<InputStream> send(HttpRequest.Builder b)
      throws UnreachableException, InterruptedException {
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw UnreachableException.cannotReach(
          server.toString(), "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s");
    } catch (HttpTimeoutException e) {
      throw UnreachableException.cannotReach(
          server.toString(), "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
    } catch (ConnectException e) {
      throw UnreachableException.cannotReach(server.toString(), reason(e));
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
  }

  private String bodyOf(HttpResponse<InputStream> response)
      throws AdminCliException, InterruptedException {
    String body;
    try (InputStream in = response.body()) {
      body = readCapped(in);
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
    if (response.statusCode() / 100 != 2) {
      throw errorOf(response.statusCode(), body);
    }
    return body;
  }

  private static String readCapped(InputStream in) throws IOException, ResponseException {
    byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ResponseException(
          "the server's answer is larger than " + (MAX_BODY_BYTES >> 20) + " MiB");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The failure for a non-2xx answer: the error body's message and code when it follows the
   * contract, otherwise the bare status as code {@code HTTP_<status>}.
   */
  static ApiException errorOf(int status, String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      JsonNode code = error.path("code");
      JsonNode message = error.path("message");
      if (code.isTextual() && !code.asText().isBlank() && message.isTextual()) {
        return new ApiException(status, code.asText(), message.asText());
      }
    } catch (IOException | RuntimeException e) {
      // not an error body: fall back to the status below
    }
    return new ApiException(status, "HTTP_" + status, "the server answered HTTP " + status);
  }

  /** A short reason for an I/O failure, from the first cause with a message. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return firstLine(t.getMessage());
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused"; // the JDK client leaves the message empty for a refusal
      }
    }
    return e.getClass().getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    http.close();
  }
}
