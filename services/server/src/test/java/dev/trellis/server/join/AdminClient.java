package dev.trellis.server.join;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin API of a test server with its first-start admin token: tailnets, auth keys, node
 * deletion and expiry.
 *
 * <p>Thread-safety: thread-safe (the JDK client is).
 */
final class AdminClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String token;

  AdminClient(int port, Path stateDir) throws IOException {
    this.base = "http://127.0.0.1:" + port;
    this.token = Files.readString(stateDir.resolve("admin-token")).strip();
  }

  JsonObject call(String method, String path, JsonObject body, int expected) throws Exception {
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
  }

  /** A new reusable auth key for {@code tailnet}. */
  String reusableKey(String tailnet) throws Exception {
    return call(
            "POST",
            "/api/v1/authkeys",
            new JsonObject().put("tailnet", tailnet).put("reusable", true),
            201)
        .getString("key");
  }

  void createTailnet(String name) throws Exception {
    call("POST", "/api/v1/tailnets", new JsonObject().put("name", name), 201);
  }

  void deleteNode(String id) throws Exception {
    call("DELETE", "/api/v1/nodes/" + id, null, 200);
  }

  void expireNode(String id) throws Exception {
    call("POST", "/api/v1/nodes/" + id + "/expire", null, 200);
  }

  int status(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
