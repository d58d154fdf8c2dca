package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.admin.cli.failure.ApiException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.BearerToken;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP exchange itself: what goes on the wire and how answers outside 2xx come back. */
class AdminClientTest {
  private ContractServer server;
  private AdminClient client;

  @BeforeEach
  void start() throws Exception {
    server = new ContractServer();
    client =
        new AdminClient(
            URI.create(server.url()),
            BearerToken.resolve("tok-1", null, Map.of()),
            "trellis-admin/test");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aPostWithoutABodySendsNoContentHeaders() throws Exception {
    server.answer("/api/v1/admin/replay/verify", 200, "{\"equal\":true}");
    assertEquals("{\"equal\":true}", client.post("/api/v1/admin/replay/verify", null));
    ContractServer.Request r = server.last();
    assertEquals("POST", r.method());
    assertEquals("", r.body());
    assertNull(r.header("Content-type"));
    assertEquals("Bearer tok-1", r.header("Authorization"));
    assertEquals("trellis-admin/test", r.header("User-agent"));
    assertEquals("application/json", r.header("Accept"));
  }

  @Test
  void aRefusedPostIsTheServersErrorNotARetry() {
    // An unauthenticated POST must come back as the server's answer (a streaming connection would
    // throw "cannot retry due to server authentication" instead).
    server.answer(
        "/api/v1/tailnets",
        401,
        "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"the token is not valid\"}}");
    ApiException e =
        assertThrows(ApiException.class, () -> client.post("/api/v1/tailnets", "{\"name\":\"a\"}"));
    assertEquals(401, e.status());
    assertEquals("UNAUTHENTICATED", e.code());
    assertEquals("{\"name\":\"a\"}", server.last().body());
    assertEquals("application/json", server.last().header("Content-type"));
  }

  @Test
  void redirectsAreNotFollowed() {
    server.on(
        "/api/v1/tailnets",
        ex -> {
          ex.getResponseHeaders().set("Location", server.url() + "/elsewhere");
          ContractServer.reply(ex, 302, "");
        });
    ApiException e = assertThrows(ApiException.class, () -> client.get("/api/v1/tailnets"));
    assertEquals(302, e.status());
    assertEquals("HTTP_302", e.code());
    assertEquals(1, server.requests.size());
  }
}
