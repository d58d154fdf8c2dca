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
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API over HTTP: sends requests with the bearer token, returns 2xx bodies, and turns
 * everything else into an {@link AdminCliException} with a clear message — the server's error body
 * ({@link ApiException}), a server that cannot be reached ({@link UnreachableException}), or an
 * answer outside the contract ({@link ResponseException}).
 *
 * <p>Requests go through the JDK's {@link HttpURLConnection}, one connection per request, without a
 * proxy and without following redirects. It starts several times faster than {@code
 * java.net.http.HttpClient} (no selector thread, no executor, no TLS set-up for an {@code http://}
 * server), which is most of a short command's run time.
 *
 * <p>Thread-safe: each request uses its own connection; {@link #close} has nothing left to stop.
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
    return bodyOf(
        send("GET", pathAndQuery, "application/json", null, null, Map.of(), REQUEST_TIMEOUT));
  }

  /**
   * POST {@code path} with a JSON body ({@code null} for none); returns the body of a 2xx answer.
   */
  public String post(String path, String json) throws AdminCliException, InterruptedException {
    String type = json == null ? null : "application/json";
    return bodyOf(send("POST", path, "application/json", type, json, Map.of(), REQUEST_TIMEOUT));
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
  public Answer postText(String path, String contentType, String text, Map<String, String> headers)
      throws AdminCliException, InterruptedException {
    Response response =
        send("POST", path, "application/json", contentType, text, headers, REQUEST_TIMEOUT);
    try (InputStream in = response.body()) {
      return new Answer(response.status(), readCapped(in));
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
    Response response =
        send("GET", pathAndQuery, "application/x-ndjson", null, null, Map.of(), Duration.ZERO);
    try (InputStream in = response.body()) {
      if (response.status() / 100 != 2) {
        throw errorOf(response.status(), readCapped(in));
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

  /** An answer's status and body stream (the error stream for a 4xx/5xx, maybe empty). */
  private record Response(int status, InputStream body) {}

  /**
   * Sends one request. {@code body} null sends none (no content headers either); {@code
   * readTimeout} zero waits forever for each read (a stream); otherwise it bounds the wait for the
   * answer and for each read of it.
   */
  private Response send(
      String method,
      String pathAndQuery,
      String accept,
      String contentType,
      String body,
      Map<String, String> headers,
      Duration readTimeout)
      throws UnreachableException, InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    HttpURLConnection c;
    try {
      c =
          (HttpURLConnection)
              URI.create(base + pathAndQuery).toURL().openConnection(Proxy.NO_PROXY);
      c.setRequestMethod(method);
    } catch (IOException | IllegalArgumentException e) {
      throw UnreachableException.cannotReach(server.toString(), reason(e));
    }
    c.setInstanceFollowRedirects(false);
    c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    c.setReadTimeout((int) readTimeout.toMillis());
    c.setRequestProperty("Accept", accept);
    c.setRequestProperty("User-Agent", userAgent);
    if (token != null) {
      c.setRequestProperty("Authorization", token.headerValue());
    }
    if (contentType != null) {
      c.setRequestProperty("Content-Type", contentType);
    }
    headers.forEach(c::setRequestProperty);
    // Not in streaming mode: the connection buffers the (small) body, so that a 401 answer to a
    // POST is an answer to report, not a refused retry.
    c.setDoOutput(body != null);
    try {
      c.connect();
    } catch (SocketTimeoutException e) {
      throw UnreachableException.cannotReach(
          server.toString(), "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw UnreachableException.cannotReach(server.toString(), reason(e));
    }
    try {
      if (body != null) {
        try (OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Response(status, in == null ? InputStream.nullInputStream() : in);
    } catch (SocketTimeoutException e) {
      throw UnreachableException.cannotReach(
          server.toString(), "no answer within " + readTimeout.toSeconds() + "s");
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
  }

  private String bodyOf(Response response) throws AdminCliException {
    String body;
    try (InputStream in = response.body()) {
      body = readCapped(in);
    } catch (IOException e) {
      throw UnreachableException.connectionLost(server.toString(), reason(e));
    }
    if (response.status() / 100 != 2) {
      throw errorOf(response.status(), body);
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
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof ConnectException
          && t.getMessage() != null
          && t.getMessage().toLowerCase(Locale.ROOT).contains("refused")) {
        return "connection refused";
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
    // Each request's connection is closed when its answer has been read.
  }
}
