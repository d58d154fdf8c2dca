package dev.trellis.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.ClusterTest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Key expiry, logout, disco keys, ephemeral removal and device approval. */
@ClusterTest
class LifecycleTest {
  private static final Actor COORDINATOR =
      Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("service:coordinator").build();

  @Test
  void aPassedExpiryIsRecordedOnceAndReauthenticationRenewsIt(KeysCluster c) throws Exception {
    String tn =
        c.tailnet(
            TailnetSettings.newBuilder()
                .setNodeKeyExpiry(Duration.newBuilder().setSeconds(2))
                .build());
    Device d = new Device("short");
    var reg = c.service(0).post("/api/v1/internal/nodes/register", d.register(tn));
    assertEquals(200, reg.status(), reg.body());
    String id = reg.text("nodeId");
    String admin = c.token(tn, UserRole.ADMIN, false);
    waitUntil(() -> c.api(1, admin).get("/api/v1/nodes/" + id).json().path("expired").asBoolean());
    Thread.sleep(500); // several more sweeps of both instances
    assertEquals(1, expiries(c, id).size(), "both instances sweep, one event");
    assertTrue(expiries(c, id).getFirst().hasExpiredAt());

    var renewed = c.service(1).post("/api/v1/internal/nodes/register", d.register(tn));
    assertEquals(id, renewed.text("nodeId"));
    assertFalse(c.api(0, admin).get("/api/v1/nodes/" + id).json().path("expired").asBoolean());
    assertEquals(200, c.api(0, admin).delete("/api/v1/nodes/" + id).status());
  }

  @Test
  void disabledExpiryIsNeverSwept(KeysCluster c) throws Exception {
    String tn =
        c.tailnet(
            TailnetSettings.newBuilder()
                .setNodeKeyExpiry(Duration.newBuilder().setSeconds(1))
                .build());
    var reg = c.service(0).post("/api/v1/internal/nodes/register", new Device("kept").register(tn));
    String id = reg.text("nodeId");
    String admin = c.token(tn, UserRole.ADMIN, false);
    var off = c.api(1, admin).post("/api/v1/nodes/" + id + "/key-expiry", Map.of("disabled", true));
    assertEquals(200, off.status(), off.body());
    assertTrue(off.json().path("keyExpiryDisabled").asBoolean());
    assertTrue(off.json().path("keyExpiry").isNull());
    Thread.sleep(1500);
    assertEquals(0, expiries(c, id).size());
  }

  @Test
  void logoutExpiresANodeAndRemovesAnEphemeralOne(KeysCluster c) {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    var kept =
        c.service(0).post("/api/v1/internal/nodes/register", new Device("kept").register(tn));
    var out = c.service(1).post("/api/v1/internal/nodes/" + kept.text("nodeId") + "/logout", "{}");
    assertEquals(200, out.status(), out.body());
    assertTrue(
        c.api(0, admin)
            .get("/api/v1/nodes/" + kept.text("nodeId"))
            .json()
            .path("expired")
            .asBoolean());

    Map<String, Object> body = new Device("temp").register(tn);
    body.put("ephemeral", true);
    var temp = c.service(0).post("/api/v1/internal/nodes/register", body);
    c.service(1).post("/api/v1/internal/nodes/" + temp.text("nodeId") + "/logout", "{}");
    assertEquals(404, c.api(0, admin).get("/api/v1/nodes/" + temp.text("nodeId")).status());
    assertEquals(NodeRemovalReason.LOGGED_OUT, removal(c, temp.text("nodeId")).getReason());

    assertEquals(
        "NODE_NOT_FOUND", c.service(0).post("/api/v1/internal/nodes/nope/logout", "{}").code());
  }

  @Test
  void discoKeyChangesAreRecorded(KeysCluster c) {
    String tn = c.tailnet();
    var reg = c.service(0).post("/api/v1/internal/nodes/register", new Device("d").register(tn));
    String id = reg.text("nodeId");
    String key = Device.newDiscoKey();
    var changed =
        c.service(1).post("/api/v1/internal/nodes/" + id + "/disco", Map.of("discoKey", key));
    assertEquals(200, changed.status(), changed.body());
    assertEquals(key, changed.text("discoKey"));
    c.service(0).post("/api/v1/internal/nodes/" + id + "/disco", Map.of("discoKey", key));
    long events =
        c.events(Topics.KEYS).stream()
            .filter(e -> e.getAggregateId().equals(id))
            .filter(e -> e.getType().equals("trellis.event.v1.DiscoKeyChanged"))
            .count();
    assertEquals(1, events, "the same key again changes nothing");
    var bad = c.service(1).post("/api/v1/internal/nodes/" + id + "/disco", Map.of("discoKey", "x"));
    assertEquals("discoKey", bad.json().path("error").path("field").asText());
  }

  @Test
  void anEphemeralNodeOfflinePastTheGraceIsRemovedUnlessItCameBack(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    Map<String, Object> gone = new Device("gone").register(tn);
    gone.put("ephemeral", true);
    String goneId = c.service(0).post("/api/v1/internal/nodes/register", gone).text("nodeId");
    Map<String, Object> back = new Device("back").register(tn);
    back.put("ephemeral", true);
    String backId = c.service(0).post("/api/v1/internal/nodes/register", back).text("nodeId");
    Events events = new Events(Clock.systemUTC());
    Timestamp now = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    for (String id : List.of(goneId, backId)) {
      c.append(
          Topics.COORDINATOR,
          events
              .draft(
                  tn,
                  id,
                  COORDINATOR,
                  NodeOffline.newBuilder().setNodeId(id).setLastSeen(now).build())
              .build());
    }
    c.append(
        Topics.COORDINATOR,
        events
            .draft(
                tn,
                backId,
                COORDINATOR,
                NodeOnline.newBuilder().setNodeId(backId).setCoordinatorInstance("c1").build())
            .build());
    waitUntil(() -> c.api(1, admin).get("/api/v1/nodes/" + goneId).status() == 404);
    assertEquals(NodeRemovalReason.EPHEMERAL_OFFLINE, removal(c, goneId).getReason());
    Thread.sleep(KeysCluster.EPHEMERAL_GRACE.toMillis() + 300);
    assertEquals(200, c.api(0, admin).get("/api/v1/nodes/" + backId).status());
  }

  @Test
  void anOfflineFromACoordinatorTheNodeLeftIsIgnored(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    Map<String, Object> moved = new Device("moved").register(tn);
    moved.put("ephemeral", true);
    String id = c.service(0).post("/api/v1/internal/nodes/register", moved).text("nodeId");
    Events events = new Events(Clock.systemUTC());
    Timestamp now = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
    // The device's stream was on c1, moved to c2, and c1's offline (decided before the move) lands
    // last: the node is held by c2, so it stays online and the ephemeral sweep keeps it.
    for (var payload :
        List.<com.google.protobuf.Message>of(
            NodeOnline.newBuilder().setNodeId(id).setCoordinatorInstance("c1").build(),
            NodeOnline.newBuilder().setNodeId(id).setCoordinatorInstance("c2").build(),
            NodeOffline.newBuilder()
                .setNodeId(id)
                .setLastSeen(now)
                .setCoordinatorInstance("c1")
                .build())) {
      c.append(Topics.COORDINATOR, events.draft(tn, id, COORDINATOR, payload).build());
    }
    Thread.sleep(KeysCluster.EPHEMERAL_GRACE.toMillis() + 1_000);
    assertEquals(200, c.api(0, admin).get("/api/v1/nodes/" + id).status());
    // The holder's own offline counts.
    c.append(
        Topics.COORDINATOR,
        events
            .draft(
                tn,
                id,
                COORDINATOR,
                NodeOffline.newBuilder()
                    .setNodeId(id)
                    .setLastSeen(now)
                    .setCoordinatorInstance("c2")
                    .build())
            .build());
    waitUntil(() -> c.api(1, admin).get("/api/v1/nodes/" + id).status() == 404);
  }

  @Test
  void devicesAwaitApprovalWhenTheTailnetRequiresIt(KeysCluster c) {
    String tn = c.tailnet(TailnetSettings.newBuilder().setDeviceApprovalRequired(true).build());
    String admin = c.token(tn, UserRole.ADMIN, false);
    String member = c.token(tn, UserRole.MEMBER, false);
    var waiting =
        c.service(0).post("/api/v1/internal/nodes/register", new Device("w").register(tn));
    assertFalse(waiting.json().path("approved").asBoolean());
    assertTrue(waiting.json().path("keyExpiry").isTextual(), "unset setting: 180 days");
    Map<String, Object> pre = new Device("p").register(tn);
    pre.put("preapproved", true);
    assertTrue(
        c.service(1)
            .post("/api/v1/internal/nodes/register", pre)
            .json()
            .path("approved")
            .asBoolean());

    String id = waiting.text("nodeId");
    var forbidden = c.api(0, member).post("/api/v1/nodes/" + id + "/approve", "{}");
    assertEquals(403, forbidden.status(), forbidden.body());
    var approved = c.api(1, admin).post("/api/v1/nodes/" + id + "/approve", "{}");
    assertEquals(200, approved.status(), approved.body());
    assertTrue(approved.json().path("approved").asBoolean());
    assertTrue(
        c.events(Topics.KEYS).stream()
            .anyMatch(
                e ->
                    e.getAggregateId().equals(id)
                        && e.getType().equals("trellis.event.v1.NodeAuthorized")));
  }

  private static List<NodeKeyExpired> expiries(KeysCluster c, String id) {
    return c.events(Topics.KEYS).stream()
        .filter(e -> e.getAggregateId().equals(id))
        .filter(e -> e.getType().equals("trellis.event.v1.NodeKeyExpired"))
        .map(e -> Events.payload(e, NodeKeyExpired.getDefaultInstance()))
        .toList();
  }

  private static NodeRemoved removal(KeysCluster c, String id) {
    List<NodeRemoved> all =
        c.events(Topics.KEYS).stream()
            .filter(e -> e.getAggregateId().equals(id))
            .filter(e -> e.getType().equals("trellis.event.v1.NodeRemoved"))
            .map(e -> Events.payload(e, NodeRemoved.getDefaultInstance()))
            .toList();
    assertEquals(1, all.size(), "one removal");
    return all.getFirst();
  }

  static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      Thread.sleep(50);
    }
  }
}
