package dev.trellis.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.ipam.address.AddressPool;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Allocation through the internal endpoint, on two instances sharing state. */
@ClusterTest
class AllocationTest {

  @Test
  void aNodeGetsAnAddressFromTheCgnatRangeAndItsIpv6Twin(IpamCluster c) {
    String tn = c.tailnet();
    String node = c.node(tn);
    var r = c.allocate(0, tn, node);
    assertEquals(200, r.status(), r.body());
    String v4 = r.text("ipv4");
    long ordinal = AddressPool.standard().ordinalOf(AddressPool.parseIpv4(v4));
    assertTrue(ordinal >= 0, v4);
    assertEquals(AddressPool.standard().ipv6(ordinal), r.text("ipv6"));
    assertTrue(r.text("ipv6").startsWith("fd7a:115c:a1e0::6440:"), r.text("ipv6"));
  }

  @Test
  void theSameNodeGetsTheSameAddressesOnEitherInstanceAndOneEvent(IpamCluster c) {
    String tn = c.tailnet();
    String node = c.node(tn);
    var first = c.allocate(0, tn, node);
    var again = c.allocate(1, tn, node);
    var third = c.allocate(0, tn, node);
    assertEquals(first.json(), again.json());
    assertEquals(first.json(), third.json());
    List<EventEnvelope> mine =
        c.events(Topics.IPAM).stream().filter(e -> e.getAggregateId().equals(node)).toList();
    assertEquals(1, mine.size(), "one AddressAllocated for repeated requests");
    EventEnvelope e = mine.getFirst();
    assertEquals(tn, e.getTailnetId());
    assertEquals(Actor.Kind.SYSTEM, e.getActor().getKind());
    assertEquals("service:coordinator", e.getActor().getId());
    AddressAllocated p = Events.payload(e, AddressAllocated.getDefaultInstance());
    assertEquals(first.text("ipv4"), p.getIpv4());
    assertEquals(first.text("ipv6"), p.getIpv6());
  }

  @Test
  void nodesOfATailnetGetDistinctAddressesAndTailnetsAreIndependent(IpamCluster c) {
    String tn = c.tailnet();
    String other = c.tailnet();
    var a = c.allocate(0, tn, c.node(tn));
    var b = c.allocate(1, tn, c.node(tn));
    var x = c.allocate(1, other, c.node(other));
    assertNotEquals(a.text("ipv4"), b.text("ipv4"));
    assertEquals("100.64.0.1", a.text("ipv4"), "a fresh tailnet starts at the pool's start");
    assertEquals("100.64.0.1", x.text("ipv4"), "tailnets have their own pools");
  }

  @Test
  void unknownTailnetOrNodeOrANodeOfAnotherTailnetIsRefused(IpamCluster c) {
    String tn = c.tailnet();
    String other = c.tailnet();
    var noTailnet = c.allocate(0, "tn-missing", c.node(tn));
    assertEquals(404, noTailnet.status());
    assertEquals("TAILNET_NOT_FOUND", noTailnet.code());
    var noNode = c.allocate(0, tn, "n0000000000000000");
    assertEquals(404, noNode.status());
    assertEquals("NODE_NOT_FOUND", noNode.code());
    var wrongTailnet = c.allocate(1, tn, c.node(other));
    assertEquals("NODE_NOT_FOUND", wrongTailnet.code());
  }

  @Test
  void badBodiesAre400NamingTheField(IpamCluster c) {
    Api api = c.service(0);
    String path = "/api/v1/internal/allocations";
    var missingNode = api.post(path, Map.of("tailnetId", c.tailnet()));
    assertEquals(400, missingNode.status(), missingNode.body());
    assertEquals("nodeId", missingNode.json().path("error").path("field").asText());
    var missingTailnet = api.post(path, Map.of("nodeId", "n1"));
    assertEquals("tailnetId", missingTailnet.json().path("error").path("field").asText());
    var slash = api.post(path, Map.of("tailnetId", "tn/x", "nodeId", "n1"));
    assertEquals(400, slash.status());
    assertEquals("tailnetId", slash.json().path("error").path("field").asText());
    var wrongType = api.post(path, "{\"tailnetId\":[1],\"nodeId\":\"n1\"}");
    assertEquals(400, wrongType.status());
    assertEquals("tailnetId", wrongType.json().path("error").path("field").asText());
    var unknown = api.post(path, "{\"tailnetId\":\"t\",\"nodeId\":\"n1\",\"x\":1}");
    assertEquals("x", unknown.json().path("error").path("field").asText());
    var malformed = api.post(path, "{\"tailnetId\":");
    assertEquals(400, malformed.status());
    var tooLong = api.post(path, Map.of("tailnetId", "t".repeat(65), "nodeId", "n1"));
    assertEquals(400, tooLong.status());
  }

  @Test
  void onlyServicesMayAllocate(IpamCluster c) {
    String tn = c.tailnet();
    String node = c.node(tn);
    Map<String, String> body = Map.of("tailnetId", tn, "nodeId", node);
    var anonymous = c.nodes.getFirst().anonymous().post("/api/v1/internal/allocations", body);
    assertEquals(401, anonymous.status());
    String owner = c.token(tn, UserRole.OWNER, false);
    var tenant = c.api(0, owner).post("/api/v1/internal/allocations", body);
    assertEquals(403, tenant.status());
    assertEquals("FORBIDDEN", tenant.code());
  }

  @Test
  void adminListShowsATailnetsNodesToItsReadersOnly(IpamCluster c) {
    String tn = c.tailnet();
    List<String> ids = c.nodes(tn, 3);
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(200, c.allocate(i % 2, tn, ids.get(i)).status());
    }
    String auditor = c.token(tn, UserRole.AUDITOR, false);
    var list = c.api(1, auditor).get("/api/v1/addresses?tailnet=" + tn);
    assertEquals(200, list.status(), list.body());
    assertEquals(tn, list.text("tailnetId"));
    var rows = list.json().path("addresses");
    assertEquals(3, rows.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("100.64.0." + (i + 1), rows.get(i).path("ipv4").asText());
      assertEquals(ids.get(i), rows.get(i).path("nodeId").asText());
      assertEquals("fd7a:115c:a1e0::6440:" + (i + 1), rows.get(i).path("ipv6").asText());
    }
    String stranger = c.token(c.tailnet(), UserRole.OWNER, false);
    var hidden = c.api(0, stranger).get("/api/v1/addresses?tailnet=" + tn);
    assertEquals(404, hidden.status());
    var all = c.api(0, c.adminToken).get("/api/v1/addresses?tailnet=" + tn);
    assertEquals(3, all.json().path("addresses").size());
    var noParam = c.api(0, auditor).get("/api/v1/addresses");
    assertEquals(400, noParam.status());
    assertEquals("tailnet", noParam.json().path("error").path("field").asText());
    assertEquals(
        401, c.nodes.getFirst().anonymous().get("/api/v1/addresses?tailnet=" + tn).status());
  }
}
