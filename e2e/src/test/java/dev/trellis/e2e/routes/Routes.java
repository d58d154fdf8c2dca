package dev.trellis.e2e.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.e2e.ServerUnderTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The routing tests' view of the admin API ({@code /api/v1/nodes/ID/routes}) and their wait.
 *
 * <p>Thread-safety: stateless.
 */
final class Routes {
  private Routes() {}

  /** A condition polled by {@link #await}. */
  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code check} every 100 ms until it holds; fails naming {@code what} after the time. */
  static void await(String what, Check check, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
  }

  /** One list of {@code GET /api/v1/nodes/ID/routes} ("advertised", "approved", "primary"...). */
  static List<String> list(ServerUnderTest server, String id, String field) throws IOException {
    JsonNode r = server.api("GET", "/api/v1/nodes/" + id + "/routes", null, 200);
    List<String> out = new ArrayList<>();
    r.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Sets the node's approved routes to exactly {@code routes}. */
  static void approve(ServerUnderTest server, String id, String... routes) throws IOException {
    server.api("POST", "/api/v1/nodes/" + id + "/routes", Map.of("routes", List.of(routes)), 200);
  }
}
