package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TailnetCommandsTest {
  private static final String ACME =
      "{\"id\":\"tn-7f3a\",\"name\":\"acme\",\"createdAt\":\"2026-11-24T10:15:30.123456Z\"}";

  private ContractServer server;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    server = new ContractServer();
    env = Map.of("TRELLIS_SERVER", server.url(), "TRELLIS_TOKEN", "tok-secret-123");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void createPostsTheNameWithTheBearerTokenAndPrintsATable() {
    server.answer("/api/v1/tailnets", 201, ACME);

    Run run = Run.of(env, "tailnet", "create", "acme");

    assertEquals(0, run.code(), run.err());
    ContractServer.Request req = server.last();
    assertEquals("POST", req.method());
    assertEquals("/api/v1/tailnets", req.path());
    assertEquals("{\"name\":\"acme\"}", req.body());
    assertEquals("application/json", req.header("Content-type"));
    assertEquals("Bearer tok-secret-123", req.header("Authorization"));
    assertEquals(
        """
        ID       NAME  CREATED
        tn-7f3a  acme  2026-11-24T10:15:30Z
        """,
        run.out());
    assertEquals("", run.err());
  }

  @Test
  void createEscapesTheNameAsJson() {
    server.answer("/api/v1/tailnets", 201, ACME);

    Run run = Run.of(env, "tailnet", "create", "a \"quoted\" \\ name");

    assertEquals(0, run.code(), run.err());
    assertEquals("{\"name\":\"a \\\"quoted\\\" \\\\ name\"}", server.last().body());
  }

  @Test
  void createWithJsonPrintsTheServersAnswer() {
    server.answer("/api/v1/tailnets", 201, ACME);

    Run run = Run.of(env, "--json", "tailnet", "create", "acme");

    assertEquals(0, run.code(), run.err());
    assertEquals(ACME + "\n", run.out());
  }

  @Test
  void listGetsTheTailnetsAndAlignsTheColumns() {
    server.answer(
        "/api/v1/tailnets",
        200,
        "{\"tailnets\":["
            + ACME
            + ",{\"id\":\"tn-1\",\"name\":\"research-lab\","
            + "\"createdAt\":\"2026-11-25T01:02:03+01:00\"}]}");

    Run run = Run.of(env, "tailnet", "list");

    assertEquals(0, run.code(), run.err());
    ContractServer.Request req = server.last();
    assertEquals("GET", req.method());
    assertEquals("/api/v1/tailnets", req.path());
    assertEquals("Bearer tok-secret-123", req.header("Authorization"));
    assertEquals(
        """
        ID       NAME          CREATED
        tn-7f3a  acme          2026-11-24T10:15:30Z
        tn-1     research-lab  2026-11-25T00:02:03Z
        """,
        run.out());
  }

  @Test
  void listWithJsonAfterTheCommandPrintsTheServersAnswer() {
    String body = "{\"tailnets\":[" + ACME + "]}";
    server.answer("/api/v1/tailnets", 200, body);

    Run run = Run.of(env, "tailnet", "list", "--json");

    assertEquals(0, run.code(), run.err());
    assertEquals(body + "\n", run.out());
  }

  @Test
  void listStripsControlCharactersFromNames() {
    server.answer(
        "/api/v1/tailnets",
        200,
        "{\"tailnets\":[{\"id\":\"x\",\"name\":\"evil\\u001b[2Jname\\n2\",\"createdAt\":null}]}");

    Run run = Run.of(env, "tailnet", "list");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("evil?[2Jname?2"), run.out());
    assertTrue(run.out().lines().skip(1).findFirst().orElseThrow().endsWith("-"), run.out());
  }

  @Test
  void aServerErrorIsPrintedWithItsCodeAndExitsOne() {
    server.answer(
        "/api/v1/tailnets",
        409,
        "{\"error\":{\"code\":\"TAILNET_NAME_TAKEN\",\"message\":\"a tailnet named acme exists\"}}");

    Run run = Run.of(env, "tailnet", "create", "acme");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: a tailnet named acme exists (TAILNET_NAME_TAKEN)\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  void anErrorWithoutAnErrorBodyShowsTheStatus() {
    server.answer("/api/v1/tailnets", 502, "<html>bad gateway</html>");

    Run run = Run.of(env, "tailnet", "list");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: the server answered HTTP 502 (HTTP_502)\n", run.err());
  }

  @Test
  void malformedJsonFromTheServerIsAClearFailure() {
    server.answer("/api/v1/tailnets", 200, "{\"tailnets\":[{\"id\":");

    Run run = Run.of(env, "tailnet", "list");

    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("trellis-admin: the server sent malformed JSON"), run.err());
    assertEquals(1, run.err().lines().count(), "no stack trace: " + run.err());
  }

  @Test
  void aMissingFieldIsNamed() {
    server.answer("/api/v1/tailnets", 200, "{\"tailnets\":[{\"name\":\"acme\"}]}");

    Run run = Run.of(env, "tailnet", "list");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: the server's answer has no 'id' text\n", run.err());
  }
}
