package dev.trellis.admin.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A test double of the admin API for the CLI's own tests: a real JDK HTTP server on 127.0.0.1 that
 * answers each path with the response a test installs and records every request it receives. It
 * checks nothing itself; the tests assert on the recorded requests.
 *
 * <p>Thread-safe: handlers run on the server's threads, tests read the records.
 */
final class ContractServer implements AutoCloseable {
  /** One request as the server saw it. */
  record Request(
      String method, String path, String query, String body, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.getFirst();
    }
  }

  /** Answers one exchange; may stream. */
  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange) throws Exception;
  }

  private final HttpServer server;
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  ContractServer() throws IOException {
    this(0);
  }

  /** A server on {@code port} of 127.0.0.1 (0 for any free port). */
  ContractServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    body,
                    Map.copyOf(exchange.getRequestHeaders())));
            Handler h = handlers.get(exchange.getRequestURI().getPath());
            if (h == null) {
              reply(exchange, 404, "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}}");
            } else {
              h.handle(exchange);
            }
          } catch (Exception e) {
            // the client sees a broken connection; the test's assertions will say why
          }
        });
    server.start();
  }

  /** The server's base URL. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code path} with a fixed status and body. */
  ContractServer answer(String path, int status, String body) {
    return on(path, ex -> reply(ex, status, body));
  }

  /** Answers {@code path} with {@code handler}. */
  ContractServer on(String path, Handler handler) {
    handlers.put(path, handler);
    return this;
  }

  /** The last request received. */
  Request last() {
    return requests.getLast();
  }

  static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
