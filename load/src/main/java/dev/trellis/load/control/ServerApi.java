package dev.trellis.load.control;

import dev.trellis.proto.key.MachinePublicKey;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the control bench asks a running server over HTTP: the control key, tailnets and auth keys
 * and node deletion (admin API with a token), readiness and the coordinator's metrics.
 *
 * <p>Thread-safety: thread-safe. The token is never printed.
 */
final class ServerApi {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final String metricsBase;
  private final String token;

  /** The API at {@code base}; its /metrics at {@code metricsBase} (the metrics listener). */
  ServerApi(String base, String metricsBase, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.metricsBase =
        metricsBase.endsWith("/")
            ? metricsBase.substring(0, metricsBase.length() - 1)
            : metricsBase;
    this.token = token;
  }

  /** Where a server at {@code base} serves /metrics by default: port 9464 of the same host. */
  static String defaultMetrics(String base) {
    URI u = URI.create(base);
    return "http://" + u.getHost() + ":9464";
  }

  MachinePublicKey controlKey() throws IOException, InterruptedException {
    return MachinePublicKey.parse(get("/control/v1/key", false).getString("controlKey"));
  }

  void createTailnet(String name) throws IOException, InterruptedException {
    call("POST", "/api/v1/tailnets", Map.of("name", name), 201);
  }

  String reusableKey(String tailnet) throws IOException, InterruptedException {
    return call("POST", "/api/v1/authkeys", Map.of("tailnet", tailnet, "reusable", true), 201)
        .getString("key");
  }

  /** A new reusable auth key of {@code tailnet}, ephemeral or not, carrying {@code tags}. */
  String authKey(String tailnet, boolean ephemeral, List<String> tags)
      throws IOException, InterruptedException {
    Map<String, Object> body =
        tags.isEmpty()
            ? Map.of("tailnet", tailnet, "reusable", true, "ephemeral", ephemeral)
            : Map.of("tailnet", tailnet, "reusable", true, "ephemeral", ephemeral, "tags", tags);
    return call("POST", "/api/v1/authkeys", body, 201).getString("key");
  }

  /** Replaces the ACL policy of {@code tailnet} with {@code hujson}; true if it changed. */
  boolean setPolicy(String tailnet, String hujson) throws IOException, InterruptedException {
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/policy?tailnet=" + tailnet))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/hujson")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(hujson))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("POST /api/v1/policy: HTTP " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getBoolean("changed", false);
  }

  void deleteNode(String id) throws IOException, InterruptedException {
    call("DELETE", "/api/v1/nodes/" + id, null, 200);
  }

  int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /** A metric's value from /metrics (the sum over its series), or NaN. */
  double metric(String name) {
    try {
      String text =
          http.send(
                  HttpRequest.newBuilder(URI.create(metricsBase + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = 0;
      boolean found = false;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : Double.NaN;
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return Double.NaN;
    }
  }

  private JsonObject get(String path, boolean auth) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (auth) {
      b.header("Authorization", "Bearer " + token);
    }
    var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  private JsonObject call(String method, String path, Map<String, Object> body, int expected)
      throws IOException, InterruptedException {
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
                        : HttpRequest.BodyPublishers.ofString(new JsonObject(body).encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
  }
}
