package dev.trellis.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeKeyRotated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Registration through the internal endpoint, on two instances sharing state. */
@ClusterTest
class RegistrationTest {

  @Test
  void newDeviceBecomesANodeWithAUniqueNameAndADefaultExpiry(KeysCluster c) {
    String tn = c.tailnet();
    var first =
        c.service(0)
            .post("/api/v1/internal/nodes/register", new Device("Laptop.local").register(tn));
    assertEquals(200, first.status(), first.body());
    assertEquals("laptop", first.text("name"));
    assertTrue(first.json().path("created").asBoolean());
    assertTrue(first.json().path("approved").asBoolean());
    String expiry = first.text("keyExpiry");
    assertNotNull(expiry);
    long days =
        java.time.Duration.between(java.time.Instant.now(), java.time.Instant.parse(expiry))
            .toDays();
    assertTrue(days >= 179 && days <= 180, expiry);

    var second =
        c.service(1).post("/api/v1/internal/nodes/register", new Device("laptop").register(tn));
    assertEquals(200, second.status(), second.body());
    assertEquals("laptop-1", second.text("name"), "a name collision gets -1, as Tailscale's");
    assertNotEquals(first.text("nodeId"), second.text("nodeId"));
    var third =
        c.service(0).post("/api/v1/internal/nodes/register", new Device("Laptop").register(tn));
    assertEquals("laptop-2", third.text("name"));

    String otherTailnet = c.tailnet();
    var elsewhere =
        c.service(1)
            .post("/api/v1/internal/nodes/register", new Device("laptop").register(otherTailnet));
    assertEquals("laptop", elsewhere.text("name"), "names are unique per tailnet only");
  }

  @Test
  void reauthenticationKeepsTheNodeAndRecordsTheRotation(KeysCluster c) {
    String tn = c.tailnet();
    Device d = new Device("server");
    var first = c.service(0).post("/api/v1/internal/nodes/register", d.register(tn));
    assertEquals(200, first.status(), first.body());
    String oldKey = d.nodeKey;

    var again = c.service(1).post("/api/v1/internal/nodes/register", d.register(tn));
    assertEquals(200, again.status(), again.body());
    assertEquals(first.text("nodeId"), again.text("nodeId"));
    assertFalse(again.json().path("created").asBoolean());

    d.nodeKey = Device.newNodeKey();
    Map<String, Object> body = d.register(tn);
    body.put("oldNodeKey", oldKey);
    var rotated = c.service(1).post("/api/v1/internal/nodes/register", body);
    assertEquals(200, rotated.status(), rotated.body());
    assertEquals(first.text("nodeId"), rotated.text("nodeId"));

    List<NodeKeyRotated> rotations = new ArrayList<>();
    for (EventEnvelope e : c.events(Topics.KEYS)) {
      if (e.getAggregateId().equals(first.text("nodeId"))
          && e.getType().equals("trellis.event.v1.NodeKeyRotated")) {
        rotations.add(Events.payload(e, NodeKeyRotated.getDefaultInstance()));
      }
    }
    assertEquals(1, rotations.size(), "one rotation: the same key again changes nothing");
    NodeKeyRotated r = rotations.getFirst();
    assertEquals(oldKey, NodePublicKey.fromBytes(r.getOldNodeKey().toByteArray()).toString());
    assertEquals(d.nodeKey, NodePublicKey.fromBytes(r.getNewNodeKey().toByteArray()).toString());
    assertTrue(r.hasKeyExpiry());

    String admin = c.token(tn, UserRole.ADMIN, false);
    var shown = c.api(0, admin).get("/api/v1/nodes/" + first.text("nodeId"));
    assertEquals(d.nodeKey, shown.text("nodeKey"));
  }

  @Test
  void aNodeKeyOfAnotherMachineIsRefused(KeysCluster c) {
    String tn = c.tailnet();
    Device a = new Device("a");
    assertEquals(
        200, c.service(0).post("/api/v1/internal/nodes/register", a.register(tn)).status());
    Device b = new Device("b");
    b.nodeKey = a.nodeKey;
    var refused = c.service(1).post("/api/v1/internal/nodes/register", b.register(tn));
    assertEquals(409, refused.status(), refused.body());
    assertEquals("NODE_KEY_IN_USE", refused.code());
    var otherTailnet =
        c.service(1).post("/api/v1/internal/nodes/register", b.register(c.tailnet()));
    assertEquals("NODE_KEY_IN_USE", otherTailnet.code(), "node keys are unique deployment-wide");
  }

  @Test
  void concurrentRegistrationsThroughTwoInstancesDecideOnce(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    Device same = new Device("twin");
    Device x = new Device("x");
    Device y = new Device("y");
    y.nodeKey = x.nodeKey;
    List<Callable<Api.Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Api api = c.service(i % 2);
      calls.add(() -> api.post("/api/v1/internal/nodes/register", same.register(tn)));
    }
    calls.add(() -> c.service(0).post("/api/v1/internal/nodes/register", x.register(tn)));
    calls.add(() -> c.service(1).post("/api/v1/internal/nodes/register", y.register(tn)));
    List<Api.Reply> replies = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Api.Reply> f : pool.invokeAll(calls)) {
        replies.add(f.get());
      }
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (Api.Reply r : replies.subList(0, 6)) {
      assertEquals(200, r.status(), r.body());
      ids.add(r.text("nodeId"));
      created += r.json().path("created").asBoolean() ? 1 : 0;
    }
    assertEquals(1, ids.size(), "one machine is one node: " + ids);
    assertEquals(1, created);
    Api.Reply rx = replies.get(6);
    Api.Reply ry = replies.get(7);
    assertTrue(
        (rx.status() == 200 && "NODE_KEY_IN_USE".equals(ry.code()))
            || (ry.status() == 200 && "NODE_KEY_IN_USE".equals(rx.code())),
        rx.body() + " / " + ry.body());

    long registered =
        c.events(Topics.KEYS).stream()
            .filter(e -> e.getTailnetId().equals(tn))
            .filter(e -> e.getType().equals("trellis.event.v1.NodeRegistered"))
            .count();
    assertEquals(2, registered);
  }

  @Test
  void badBodiesAndCallersAreRefusedClearly(KeysCluster c) {
    String tn = c.tailnet();
    Map<String, Object> body = new Device("d").register(tn);
    body.put("machineKey", "nodekey:00");
    var bad = c.service(0).post("/api/v1/internal/nodes/register", body);
    assertEquals(400, bad.status());
    assertEquals("machineKey", bad.json().path("error").path("field").asText());

    var unknownTailnet =
        c.service(0).post("/api/v1/internal/nodes/register", new Device("d").register("tn-nope"));
    assertEquals("TAILNET_NOT_FOUND", unknownTailnet.code());

    String admin = c.token(tn, UserRole.ADMIN, false);
    var notAService =
        c.api(0, admin).post("/api/v1/internal/nodes/register", new Device("d").register(tn));
    assertEquals(403, notAService.status());

    var badTag = new Device("d").register(tn);
    badTag.put("tags", List.of("server"));
    var tagRefused = c.service(1).post("/api/v1/internal/nodes/register", badTag);
    assertEquals("tags[0]", tagRefused.json().path("error").path("field").asText());

    var registered =
        c.service(1).post("/api/v1/internal/nodes/register", new Device("d").register(tn));
    assertEquals(200, registered.status());
  }
}
