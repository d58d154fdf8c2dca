package dev.trellis.keys;

import static dev.trellis.keys.LifecycleTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routes a node advertises, their approval by an administrator, and who may see and change it. */
@ClusterTest
class RoutesApiTest {

  @Test
  void approveAndUnapproveWhatTheNodeAdvertises(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.NETWORK_ADMIN, false);
    String id = register(c, tn, "router");
    c.advertise(tn, id, "192.168.1.0/24", "10.0.0.0/24", "0.0.0.0/0", "::/0");
    waitUntil(() -> advertised(c, admin, id).size() == 4);
    assertEquals(
        List.of("0.0.0.0/0", "10.0.0.0/24", "192.168.1.0/24", "::/0"), advertised(c, admin, id));

    var approved =
        c.api(1, admin)
            .post(
                "/api/v1/nodes/" + id + "/routes",
                Map.of("routes", List.of("192.168.1.0/24", "::/0", "0.0.0.0/0")));
    assertEquals(200, approved.status(), approved.body());
    assertEquals(
        "[\"0.0.0.0/0\",\"192.168.1.0/24\",\"::/0\"]", approved.json().path("approved").toString());
    assertEquals("[]", approved.json().path("inForce").toString(), "no coordinator state yet");
    JsonNode node = c.api(0, admin).get("/api/v1/nodes/" + id).json();
    assertEquals(
        "[\"0.0.0.0/0\",\"192.168.1.0/24\",\"::/0\"]", node.path("approvedRoutes").toString());
    assertEquals(4, node.path("advertisedRoutes").size());
    assertEquals("[]", node.path("primaryRoutes").toString());

    List<NodeRoutesApproved> events = approvals(c, id);
    assertEquals(1, events.size());
    assertEquals(List.of(), events.getFirst().getPreviousRoutesList());
    assertEquals("router", events.getFirst().getName());
    EventEnvelope envelope = approvalEnvelopes(c, id).getFirst();
    assertEquals(
        "node router routes approved: 192.168.1.0/24, exit node (were: none)",
        envelope.getSubject());
    assertEquals(
        dev.trellis.proto.event.v1.Actor.Kind.API_TOKEN,
        envelope.getActor().getKind(),
        "the caller is the actor");

    // The same set again appends nothing.
    var again =
        c.api(0, admin)
            .post(
                "/api/v1/nodes/" + id + "/routes",
                Map.of("routes", List.of("0.0.0.0/0", "::/0", "192.168.1.0/24")));
    assertEquals(200, again.status(), again.body());
    assertEquals(1, approvals(c, id).size(), "idempotent");

    // Unapprove the exit node: the complete set is what stays approved.
    var unapproved =
        c.api(0, admin)
            .post("/api/v1/nodes/" + id + "/routes", Map.of("routes", List.of("192.168.1.0/24")));
    assertEquals("[\"192.168.1.0/24\"]", unapproved.json().path("approved").toString());
    assertEquals(2, approvals(c, id).size());
    assertEquals(
        List.of("0.0.0.0/0", "192.168.1.0/24", "::/0"),
        approvals(c, id).getLast().getPreviousRoutesList());
    var none = c.api(1, admin).post("/api/v1/nodes/" + id + "/routes", Map.of("routes", List.of()));
    assertEquals("[]", none.json().path("approved").toString(), none.body());

    // The coordinator's view shows through.
    c.routeState(
        NodeRouteState.newBuilder()
            .setNodeId(id)
            .setTailnetId(tn)
            .addAllAdvertised(advertised(c, admin, id))
            .addAutoApproved("10.0.0.0/24")
            .addInForce("10.0.0.0/24")
            .addPrimary("10.0.0.0/24")
            .build());
    JsonNode routes = c.api(1, admin).get("/api/v1/nodes/" + id + "/routes").json();
    assertEquals("[\"10.0.0.0/24\"]", routes.path("autoApproved").toString());
    assertEquals("[\"10.0.0.0/24\"]", routes.path("inForce").toString());
    assertEquals("[\"10.0.0.0/24\"]", routes.path("primary").toString());
    assertEquals(
        "[\"10.0.0.0/24\"]",
        c.api(0, admin).get("/api/v1/nodes/" + id).json().path("primaryRoutes").toString());

    // The tailnet's list has the nodes with any route, not the others.
    register(c, tn, "plain");
    JsonNode list = c.api(0, admin).get("/api/v1/routes?tailnet=" + tn).json();
    assertEquals(tn, list.path("tailnetId").asText());
    assertEquals(1, list.path("routes").size(), list.toString());
    JsonNode row = list.path("routes").get(0);
    assertEquals(id, row.path("id").asText());
    assertEquals("router", row.path("name").asText());
    assertEquals(4, row.path("advertised").size());
    assertEquals("[\"10.0.0.0/24\"]", row.path("primary").toString());

    // A route the device stops advertising can no longer be approved.
    c.advertise(tn, id, "10.0.0.0/24");
    waitUntil(() -> advertised(c, admin, id).equals(List.of("10.0.0.0/24")));
    var gone =
        c.api(0, admin)
            .post("/api/v1/nodes/" + id + "/routes", Map.of("routes", List.of("192.168.1.0/24")));
    assertEquals(400, gone.status(), gone.body());
  }

  @Test
  void refusesWhatTheNodeDoesNotOfferOrNoNodeMay(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    String id = register(c, tn, "gw");
    c.advertise(tn, id, "10.1.0.0/16", "0.0.0.0/0", "::/0");
    waitUntil(() -> advertised(c, admin, id).size() == 3);
    Api api = c.api(0, admin);
    String path = "/api/v1/nodes/" + id + "/routes";

    refused(api, path, List.of("10.1.0.0/16", "10.2.0.0/16"), "routes[1]", "10.2.0.0/16");
    refused(api, path, List.of("10.1.0.0/16", "10.1.0.1/16"), "routes[1]", "host bits");
    refused(api, path, List.of("banana"), "routes[0]", "banana");
    refused(api, path, List.of("100.64.1.0/24"), "routes[0]", "tailnet");
    refused(api, path, List.of("fd7a:115c:a1e0::/64"), "routes[0]", "tailnet");
    refused(api, path, List.of("10.1.0.0/16", "0.0.0.0/0"), "routes[1]", "0.0.0.0/0");
    refused(api, path, List.of("::/0"), "routes[0]", "::/0");
    var unknown = api.post(path, Map.of("routes", List.of(), "extra", 1));
    assertEquals(400, unknown.status(), unknown.body());
    var missing = api.post(path, Map.of());
    assertEquals("routes", missing.json().path("error").path("field").asText(), missing.body());
    assertEquals(0, approvals(c, id).size(), "nothing was approved");
  }

  @Test
  void membersReadAndOnlyNetworkEditorsChangeTheirOwnTailnet(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String other = c.tailnet();
    String owner = c.token(tn, UserRole.OWNER, false);
    String member = c.token(tn, UserRole.MEMBER, false);
    String auditor = c.token(tn, UserRole.AUDITOR, false);
    String stranger = c.token(other, UserRole.OWNER, false);
    String id = register(c, tn, "edge");
    c.advertise(tn, id, "172.16.0.0/12");
    waitUntil(() -> advertised(c, owner, id).size() == 1);
    String path = "/api/v1/nodes/" + id + "/routes";
    Map<String, Object> body = Map.of("routes", List.of("172.16.0.0/12"));

    for (String reader : List.of(member, auditor)) {
      assertEquals(200, c.api(0, reader).get(path).status());
      assertEquals(200, c.api(1, reader).get("/api/v1/routes").status());
      var refused = c.api(1, reader).post(path, body);
      assertEquals(403, refused.status(), refused.body());
    }
    for (int i = 0; i < 2; i++) {
      Api s = c.api(i, stranger);
      assertEquals("NODE_NOT_FOUND", s.get(path).code());
      assertEquals("NODE_NOT_FOUND", s.post(path, body).code());
      assertEquals("TAILNET_NOT_FOUND", s.get("/api/v1/routes?tailnet=" + tn).code());
      assertEquals(0, s.get("/api/v1/routes").json().path("routes").size());
    }
    assertEquals(0, approvals(c, id).size());
    assertEquals(200, c.api(0, owner).post(path, body).status());
    assertEquals(200, c.api(1, c.adminToken).get(path).status(), "a deployment administrator");
    assertEquals(401, c.api(0, "trellis-api-0000").get(path).status());
  }

  @Test
  void anInvalidAdvertisementIsIgnoredAndAnEarlyOneKept(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    String id = register(c, tn, "odd");
    c.advertise(tn, id, "10.9.0.0/16");
    waitUntil(() -> advertised(c, admin, id).size() == 1);
    c.advertise(tn, id, "0.0.0.0/0"); // a lone default route: refused by AdvertisedRoutes
    c.advertise(tn, id, "10.9.0.1/16"); // host bits set
    c.advertise(tn, id, "10.9.0.0/16", "10.8.0.0/16");
    waitUntil(() -> advertised(c, admin, id).size() == 2);
    assertEquals(List.of("10.8.0.0/16", "10.9.0.0/16"), advertised(c, admin, id));
    c.advertise(tn, id);
    waitUntil(() -> advertised(c, admin, id).isEmpty());
  }

  static String register(KeysCluster c, String tn, String host) {
    return c.service(0)
        .post("/api/v1/internal/nodes/register", new Device(host).register(tn))
        .text("nodeId");
  }

  static List<String> advertised(KeysCluster c, String token, String id) {
    List<String> out = new ArrayList<>();
    c.api(0, token)
        .get("/api/v1/nodes/" + id + "/routes")
        .json()
        .path("advertised")
        .forEach(r -> out.add(r.asText()));
    return out;
  }

  private static void refused(
      Api api, String path, List<String> routes, String field, String says) {
    var r = api.post(path, Map.of("routes", routes));
    assertEquals(400, r.status(), r.body());
    assertEquals(field, r.json().path("error").path("field").asText(), r.body());
    assertTrue(r.json().path("error").path("message").asText().contains(says), r.body());
  }

  static List<EventEnvelope> approvalEnvelopes(KeysCluster c, String id) {
    return c.events(Topics.KEYS).stream()
        .filter(e -> e.getType().equals("trellis.event.v1.NodeRoutesApproved"))
        .filter(e -> e.getAggregateId().equals(id))
        .toList();
  }

  static List<NodeRoutesApproved> approvals(KeysCluster c, String id) {
    return approvalEnvelopes(c, id).stream()
        .map(
            e ->
                dev.trellis.runtime.eventlog.Events.payload(
                    e, NodeRoutesApproved.getDefaultInstance()))
        .toList();
  }
}
