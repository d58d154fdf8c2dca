package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** nodes list|show|rename|expire|delete|tag|approve against a server that records the requests. */
class NodesCommandsTest {
  private static final String NODE =
      "{\"id\":\"n1\",\"tailnetId\":\"tn1\",\"name\":\"laptop\",\"hostname\":\"Laptop\","
          + "\"os\":\"linux\",\"userId\":\"u1\",\"tags\":[],"
          + "\"addresses\":[\"100.64.0.1\",\"fd7a:115c:a1e0::1\"],\"machineKey\":\"mkey:00\","
          + "\"nodeKey\":\"nodekey:00\",\"discoKey\":null,\"ephemeral\":false,"
          + "\"keyExpiry\":\"2027-05-23T10:00:00.25Z\",\"keyExpiryDisabled\":false,"
          + "\"expired\":false,\"revoked\":false,\"approved\":true,\"authKeyId\":\"k1\","
          + "\"createdAt\":\"2026-11-24T10:00:00Z\",\"offlineSince\":null}";
  private static final String TAGGED =
      NODE.replace("\"tags\":[]", "\"tags\":[\"tag:db\",\"tag:web\"]")
          .replace("\"userId\":\"u1\"", "\"userId\":\"\"")
          .replace("\"approved\":true", "\"approved\":false")
          .replace("\"ephemeral\":false", "\"ephemeral\":true");

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
  void listPrintsATableOrTheJson() {
    server.answer(
        "/api/v1/nodes", 200, "{\"tailnetId\":\"tn1\",\"nodes\":[" + NODE + "," + TAGGED + "]}");
    server.answer(
        "/api/v1/users",
        200,
        "{\"users\":[{\"id\":\"u1\",\"email\":\"ada@example.com\",\"role\":\"admin\"}]}");
    Run list = Run.of(env, "nodes", "list", "--tailnet", "acme");
    assertEquals(0, list.code(), list.err());
    ContractServer.Request nodes = server.requests.get(server.requests.size() - 2);
    assertEquals("/api/v1/nodes", nodes.path());
    assertEquals("tailnet=acme", nodes.query());
    assertEquals("GET", nodes.method());
    assertEquals("/api/v1/users", server.last().path());
    assertEquals("tailnet=tn1", server.last().query(), "the owners of the tailnet listed");
    assertEquals(
        """
        ID  NAME    ADDRESSES                     OS     OWNER            STATUS                       KEY-EXPIRY
        n1  laptop  100.64.0.1,fd7a:115c:a1e0::1  linux  ada@example.com  ok                           2027-05-23T10:00:00Z
        n1  laptop  100.64.0.1,fd7a:115c:a1e0::1  linux  tag:db,tag:web   awaiting-approval,ephemeral  2027-05-23T10:00:00Z
        """,
        list.out());
    Run json = Run.of(env, "--json", "nodes", "list");
    assertEquals(0, json.code(), json.err());
    assertTrue(json.out().startsWith("{\"tailnetId\":\"tn1\""), json.out());
  }

  @Test
  void showPrintsEveryField() {
    server.answer("/api/v1/nodes/n1", 200, NODE);
    Run show = Run.of(env, "nodes", "show", "n1");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("machineKey         mkey:00"), show.out());
    assertTrue(show.out().contains("status             ok"), show.out());
    Run traversal = Run.of(env, "nodes", "show", "../tokens");
    assertEquals("/api/v1/nodes/..%2Ftokens", server.last().path(), traversal.err());
  }

  @Test
  void changesPostTheirBodies() {
    server.answer("/api/v1/nodes/n1/rename", 200, NODE);
    assertEquals(0, Run.of(env, "nodes", "rename", "n1", "db-1").code());
    assertEquals("{\"name\":\"db-1\"}", server.last().body());

    server.answer("/api/v1/nodes/n1/expire", 200, NODE);
    assertEquals(0, Run.of(env, "nodes", "expire", "n1").code());
    assertEquals("/api/v1/nodes/n1/expire", server.last().path());

    server.answer("/api/v1/nodes/n1/key-expiry", 200, NODE);
    assertEquals(0, Run.of(env, "nodes", "expire", "n1", "--disable").code());
    assertEquals("{\"disabled\":true}", server.last().body());

    server.answer("/api/v1/nodes/n1/tags", 200, TAGGED);
    Run tag = Run.of(env, "nodes", "tag", "n1", "tag:web, tag:db");
    assertEquals(0, tag.code(), tag.err());
    assertEquals("{\"tags\":[\"tag:web\",\"tag:db\"]}", server.last().body());
    int before = server.requests.size();
    Run badTag = Run.of(env, "nodes", "tag", "n1", "web");
    assertEquals(2, badTag.code());
    assertTrue(badTag.err().contains("tag:name"), badTag.err());
    assertEquals(before, server.requests.size(), "a usage error sends nothing");

    server.answer("/api/v1/nodes/n1/approve", 200, NODE);
    Run approve = Run.of(env, "nodes", "approve", "n1");
    assertEquals(0, approve.code(), approve.err());
    assertTrue(approve.out().contains(" ok "), approve.out());

    server.answer("/api/v1/nodes/n1/remove", 200, NODE);
    Run delete = Run.of(env, "nodes", "delete", "n1");
    assertEquals(0, delete.code(), delete.err());
    assertEquals("deleted laptop\n", delete.out());
    assertEquals("POST", server.last().method());
  }

  @Test
  void everyNodesCommandTakesTheNodesNameAsWellAsItsId() {
    String db =
        NODE.replace("\"id\":\"n1\"", "\"id\":\"n2\"")
            .replace("laptop", "db-1")
            .replace("Laptop", "db-host");
    String db2 =
        NODE.replace("\"id\":\"n1\"", "\"id\":\"n3\"")
            .replace("\"name\":\"laptop\"", "\"name\":\"db-1-1\"")
            .replace("Laptop", "db-1");
    server.answer(
        "/api/v1/nodes",
        200,
        "{\"tailnetId\":\"tn1\",\"nodes\":[" + NODE + "," + db + "," + db2 + "]}");
    server.answer("/api/v1/nodes/n1", 200, NODE);
    Run show = Run.of(env, "nodes", "show", "laptop");
    assertEquals(0, show.code(), show.err());
    assertEquals("/api/v1/nodes/n1", server.last().path());
    Run byHost = Run.of(env, "nodes", "show", "LAPTOP");
    assertEquals(0, byHost.code(), byHost.err());
    assertEquals("/api/v1/nodes/n1", server.last().path());

    server.answer("/api/v1/nodes/n1/rename", 200, NODE);
    assertEquals(0, Run.of(env, "nodes", "rename", "laptop", "lap-2").code());
    assertEquals("/api/v1/nodes/n1/rename", server.last().path());

    // "db-1" is n2's name and n3's hostname: an error that lists both, and nothing changes
    int before = server.requests.size();
    Run ambiguous = Run.of(env, "nodes", "delete", "db-1");
    assertEquals(2, ambiguous.code(), ambiguous.err());
    assertTrue(
        ambiguous
            .err()
            .contains(
                "'db-1' names 2 nodes: n2 (db-1, host db-host), n3 (db-1-1, host db-1);"
                    + " name one by its id"),
        ambiguous.err());
    assertEquals(before + 1, server.requests.size(), "only the lookup was sent");

    // an id always wins, and a word that names no node goes to the server as an id
    server.answer("/api/v1/nodes/n2/approve", 200, db);
    assertEquals(0, Run.of(env, "nodes", "approve", "n2").code());
    assertEquals("/api/v1/nodes/n2/approve", server.last().path());
    server.answer(
        "/api/v1/nodes/n9",
        404,
        "{\"error\":{\"code\":\"NODE_NOT_FOUND\",\"message\":\"No such node.\"}}");
    Run missing = Run.of(env, "nodes", "show", "n9");
    assertEquals("/api/v1/nodes/n9", server.last().path());
    assertTrue(missing.err().contains("NODE_NOT_FOUND"), missing.err());
  }

  @Test
  void serverErrorsExitNonZeroWithTheCode() {
    server.answer(
        "/api/v1/nodes/n9",
        404,
        "{\"error\":{\"code\":\"NODE_NOT_FOUND\",\"message\":\"No such node.\"}}");
    Run missing = Run.of(env, "nodes", "show", "n9");
    assertTrue(missing.code() != 0);
    assertTrue(missing.err().contains("NODE_NOT_FOUND"), missing.err());
    Run usage = Run.of(env, "nodes", "rename", "n1");
    assertEquals(2, usage.code(), usage.err());
  }

  @Test
  void theApiDocDescribesTheNodeRequests() throws Exception {
    JsonNode paths =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../../docs/admin-api.yaml").toFile())
            .path("paths");
    String[][] requests = {
      {"/api/v1/nodes", "get"},
      {"/api/v1/nodes/{id}", "get"},
      {"/api/v1/nodes/{id}", "delete"},
      {"/api/v1/nodes/{id}/remove", "post"},
      {"/api/v1/nodes/{id}/rename", "post"},
      {"/api/v1/nodes/{id}/expire", "post"},
      {"/api/v1/nodes/{id}/key-expiry", "post"},
      {"/api/v1/nodes/{id}/revoke", "post"},
      {"/api/v1/nodes/{id}/tags", "post"},
      {"/api/v1/nodes/{id}/approve", "post"},
      {"/api/v1/internal/nodes/register", "post"},
      {"/api/v1/internal/nodes/{id}/logout", "post"},
      {"/api/v1/internal/nodes/{id}/disco", "post"},
    };
    for (String[] r : requests) {
      assertTrue(paths.path(r[0]).has(r[1]), r[1] + " " + r[0] + " is not described");
    }
  }
}
