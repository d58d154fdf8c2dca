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

/** routes list|approve|unapprove, and routes in nodes show, against a recording server. */
class RoutesCommandsTest {
  private static final String ROUTER =
      "{\"id\":\"n1\",\"name\":\"router\",\"advertised\":[\"0.0.0.0/0\",\"10.0.0.0/24\","
          + "\"192.168.1.0/24\",\"::/0\"],\"approved\":[\"10.0.0.0/24\"],\"autoApproved\":[],"
          + "\"inForce\":[\"10.0.0.0/24\"],\"primary\":[\"10.0.0.0/24\"]}";
  private static final String EXIT =
      "{\"id\":\"n2\",\"name\":\"exit\",\"advertised\":[\"0.0.0.0/0\",\"::/0\"],"
          + "\"approved\":[\"0.0.0.0/0\",\"::/0\"],\"autoApproved\":[],"
          + "\"inForce\":[\"0.0.0.0/0\",\"::/0\"],\"primary\":[]}";
  private static final String NODES =
      "{\"tailnetId\":\"tn1\",\"nodes\":[{\"id\":\"n1\",\"name\":\"router\",\"hostname\":\"r1\"}]}";

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
  void listShowsExitNodesAsSuch() {
    server.answer(
        "/api/v1/routes", 200, "{\"tailnetId\":\"tn1\",\"routes\":[" + ROUTER + "," + EXIT + "]}");
    Run list = Run.of(env, "routes", "list", "--tailnet", "acme");
    assertEquals(0, list.code(), list.err());
    assertEquals("tailnet=acme", server.last().query());
    assertEquals(
        """
        NODE    ADVERTISED                            APPROVED     PRIMARY
        router  10.0.0.0/24,192.168.1.0/24,exit node  10.0.0.0/24  10.0.0.0/24
        exit    exit node                             exit node    -
        """,
        list.out());
    Run json = Run.of(env, "--json", "routes", "list");
    assertEquals(0, json.code(), json.err());
    assertTrue(json.out().startsWith("{\"tailnetId\":\"tn1\",\"routes\":["), json.out());
  }

  @Test
  void approveAddsToTheApprovedSetByName() {
    server.answer("/api/v1/nodes", 200, NODES);
    server.on(
        "/api/v1/nodes/n1/routes",
        ex ->
            ContractServer.reply(
                ex,
                200,
                ex.getRequestMethod().equals("GET")
                    ? ROUTER
                    : ROUTER.replace(
                        "\"approved\":[\"10.0.0.0/24\"]",
                        "\"approved\":[\"0.0.0.0/0\",\"10.0.0.0/24\",\"192.168.1.0/24\",\"::/0\"]")));
    Run approve = Run.of(env, "routes", "approve", "router", "192.168.1.0/24", "--exit-node");
    assertEquals(0, approve.code(), approve.err());
    assertEquals("POST", server.last().method());
    assertEquals("/api/v1/nodes/n1/routes", server.last().path());
    assertEquals(
        "{\"routes\":[\"0.0.0.0/0\",\"10.0.0.0/24\",\"192.168.1.0/24\",\"::/0\"]}",
        server.last().body(),
        "the union with what was approved");
    assertTrue(approve.out().contains("10.0.0.0/24,192.168.1.0/24,exit node"), approve.out());

    Run unapprove = Run.of(env, "routes", "unapprove", "n1", "10.0.0.0/24");
    assertEquals(0, unapprove.code(), unapprove.err());
    assertEquals("{\"routes\":[]}", server.last().body());
  }

  @Test
  void aStaleApprovalIsDroppedWithANote() {
    server.on(
        "/api/v1/nodes/n1/routes",
        ex ->
            ContractServer.reply(
                ex,
                200,
                ROUTER.replace(
                    "\"approved\":[\"10.0.0.0/24\"]", "\"approved\":[\"10.9.0.0/16\"]")));
    server.answer("/api/v1/nodes", 200, NODES);
    Run approve = Run.of(env, "routes", "approve", "n1", "10.0.0.0/24");
    assertEquals(0, approve.code(), approve.err());
    assertEquals("{\"routes\":[\"10.0.0.0/24\"]}", server.last().body());
    assertTrue(approve.err().contains("10.9.0.0/16 is no longer advertised"), approve.err());
  }

  @Test
  void badRoutesAreRefusedBeforeAnyRequest() {
    String[][] bad = {
      {"routes", "approve", "n1", "10.0.0.1/24"},
      {"routes", "approve", "n1", "banana"},
      {"routes", "approve", "n1", "100.64.0.0/24"},
      {"routes", "approve", "n1", "0.0.0.0/0"},
      {"routes", "unapprove", "n1", "::/0"},
      {"routes", "approve", "n1"},
      {"routes", "approve"},
    };
    String[] says = {
      "host bits", "not a CIDR", "tailnet", "--exit-node", "--exit-node", "at least one", "NODE"
    };
    for (int i = 0; i < bad.length; i++) {
      Run run = Run.of(env, bad[i]);
      assertEquals(2, run.code(), String.join(" ", bad[i]) + ": " + run.err());
      assertTrue(run.err().contains(says[i]), run.err());
    }
    assertEquals(0, server.requests.size(), "nothing was sent");
  }

  @Test
  void theServersRefusalIsReported() {
    server.answer("/api/v1/nodes", 200, NODES);
    server.on(
        "/api/v1/nodes/n1/routes",
        ex -> {
          if (ex.getRequestMethod().equals("GET")) {
            ContractServer.reply(ex, 200, ROUTER);
          } else {
            ContractServer.reply(
                ex,
                403,
                "{\"error\":{\"code\":\"FORBIDDEN\",\"message\":\"This needs the owner, admin"
                    + " or network admin role.\"}}");
          }
        });
    Run run = Run.of(env, "routes", "approve", "router", "--exit-node");
    assertTrue(run.code() != 0);
    assertTrue(run.err().contains("FORBIDDEN"), run.err());
  }

  @Test
  void nodesShowPrintsTheRoutes() {
    server.answer(
        "/api/v1/nodes/n1",
        200,
        "{\"id\":\"n1\",\"name\":\"router\",\"approved\":true,"
            + "\"advertisedRoutes\":[\"0.0.0.0/0\",\"10.0.0.0/24\",\"::/0\"],"
            + "\"approvedRoutes\":[\"10.0.0.0/24\"],\"primaryRoutes\":[]}");
    Run show = Run.of(env, "nodes", "show", "n1");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("advertisedRoutes  10.0.0.0/24,exit node"), show.out());
    assertTrue(show.out().contains("approvedRoutes    10.0.0.0/24"), show.out());
    assertTrue(show.out().contains("primaryRoutes     -"), show.out());
  }

  @Test
  void theApiDocDescribesTheRouteRequests() throws Exception {
    JsonNode doc =
        new ObjectMapper(new YAMLFactory()).readTree(Path.of("../../docs/admin-api.yaml").toFile());
    JsonNode paths = doc.path("paths");
    String[][] requests = {
      {"/api/v1/routes", "get"},
      {"/api/v1/nodes/{id}/routes", "get"},
      {"/api/v1/nodes/{id}/routes", "post"},
    };
    for (String[] r : requests) {
      assertTrue(paths.path(r[0]).has(r[1]), r[1] + " " + r[0] + " is not described");
    }
    JsonNode node = doc.path("components").path("schemas").path("Node").path("properties");
    for (String f : new String[] {"advertisedRoutes", "approvedRoutes", "primaryRoutes"}) {
      assertTrue(node.has(f), "Node." + f + " is not described");
    }
  }
}
