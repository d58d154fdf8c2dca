package dev.trellis.admin.cli.training;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of {@code trellis-admin}'s AOT training run, in a process of its own so that none
 * of its classes land in the CLI's cache: a JDK HTTP server on a free loopback port that answers
 * the admin API's read endpoints with canned bodies shaped like the real server's (404 with an
 * error body for anything else). Prints {@code ready PORT} when it listens and exits when its
 * standard input closes (its parent finished or died).
 *
 * <p>Thread-safety: the main thread waits on standard input; the server answers on its own thread.
 */
public final class TrainingApi {
  private static final String NODE =
      "{\"id\":\"n%d\",\"tailnetId\":\"tn1\",\"name\":\"host-%d\",\"hostname\":\"Host %d\","
          + "\"os\":\"linux\",\"userId\":\"u1\",\"tags\":[],"
          + "\"addresses\":[\"100.64.0.%d\",\"fd7a:115c:a1e0::%d\"],\"machineKey\":\"mkey:00\","
          + "\"nodeKey\":\"nodekey:00\",\"discoKey\":null,\"ephemeral\":false,"
          + "\"keyExpiry\":\"2027-05-23T10:00:00.25Z\",\"keyExpiryDisabled\":false,"
          + "\"expired\":false,\"revoked\":false,\"approved\":true,\"authKeyId\":\"k1\","
          + "\"createdAt\":\"2026-11-24T10:00:00Z\",\"offlineSince\":null}";
  private static final String USER =
      "{\"id\":\"u1\",\"tailnetId\":\"tn1\",\"email\":\"admin@example.com\",\"displayName\":\"\","
          + "\"role\":\"admin\",\"loginMethod\":\"unspecified\","
          + "\"createdAt\":\"2026-11-24T10:15:30.5Z\",\"lastLoginAt\":null}";
  private static final String TAILNET =
      "{\"id\":\"tn1\",\"name\":\"default\",\"createdAt\":\"2026-11-24T10:15:30.123456Z\"}";
  private static final String AUTH_KEY =
      "{\"id\":\"k1\",\"prefix\":\"trellis-auth-k1\",\"tailnetId\":\"tn1\",\"reusable\":true,"
          + "\"ephemeral\":false,\"preapproved\":true,\"tags\":[],"
          + "\"expiresAt\":\"2026-11-25T10:00:00Z\",\"usageLimit\":0,\"useCount\":2,"
          + "\"revoked\":false,\"creatorUserId\":\"u1\",\"description\":\"\","
          + "\"createdAt\":\"2026-11-24T10:00:00Z\"}";
  private static final String TOKEN =
      "{\"id\":\"t1\",\"prefix\":\"trellis-api-t1\",\"tailnetId\":\"tn1\",\"role\":\"admin\","
          + "\"ownerUserId\":\"u1\",\"expiresAt\":\"2026-12-24T10:00:00Z\",\"revoked\":false}";
  private static final String POLICY =
      "{\"tailnetId\":\"tn1\",\"text\":\"{\\n  \\\"acls\\\": []\\n}\\n\",\"version\":3,"
          + "\"sha256\":\"ab\",\"updatedAt\":\"2026-11-24T10:00:00Z\",\"updatedBy\":\"t1\"}";
  private static final String AUDIT_LINE =
      "{\"time\":\"2026-11-24T10:15:30.987Z\",\"tailnet\":\"tn1\","
          + "\"type\":\"trellis.event.v1.NodeRegistered\",\"subject\":\"node/n%d\","
          + "\"actor\":{\"kind\":\"USER\",\"id\":\"u1\",\"display\":\"admin@example.com\"},"
          + "\"eventId\":\"e-%d\",\"topic\":\"trellis.keys\",\"partition\":0,\"offset\":%d,"
          + "\"payload\":{}}";

  private TrainingApi() {}

  public static void main(String[] args) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", TrainingApi::answer);
    server.start();
    try {
      System.out.println("ready " + server.getAddress().getPort());
      System.out.flush();
      System.in.transferTo(OutputStream.nullOutputStream());
    } finally {
      server.stop(0);
    }
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String type = "application/json";
      String body;
      int status = 200;
      switch (path) {
        case "/api/v1/nodes" -> {
          List<String> nodes = new ArrayList<>();
          for (int i = 1; i <= 4; i++) {
            nodes.add(NODE.formatted(i, i, i, i, i));
          }
          body = "{\"tailnetId\":\"tn1\",\"nodes\":[" + String.join(",", nodes) + "]}";
        }
        case "/api/v1/nodes/n1" -> body = NODE.formatted(1, 1, 1, 1, 1);
        case "/api/v1/routes" ->
            body =
                "{\"tailnetId\":\"tn1\",\"routes\":[{\"id\":\"n1\",\"name\":\"node-1\","
                    + "\"advertised\":[\"0.0.0.0/0\",\"10.0.0.0/24\",\"::/0\"],"
                    + "\"approved\":[\"10.0.0.0/24\"],\"autoApproved\":[],"
                    + "\"inForce\":[\"10.0.0.0/24\"],\"primary\":[\"10.0.0.0/24\"]}]}";
        case "/api/v1/users" -> body = "{\"users\":[" + USER + "]}";
        case "/api/v1/tailnets" -> body = "{\"tailnets\":[" + TAILNET + "]}";
        case "/api/v1/authkeys" -> body = "{\"authkeys\":[" + AUTH_KEY + "]}";
        case "/api/v1/tokens" -> body = "{\"tokens\":[" + TOKEN + "]}";
        case "/api/v1/policy" -> body = POLICY;
        case "/api/v1/audit" -> {
          type = "application/x-ndjson";
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= 4; i++) {
            b.append(AUDIT_LINE.formatted(i, i, i)).append('\n');
          }
          body = b.toString();
        }
        default -> {
          status = 404;
          body = "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no route " + path + "\"}}";
        }
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
