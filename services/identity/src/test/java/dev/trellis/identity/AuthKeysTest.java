package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Auth keys: creation, listing, revocation, and uses decided atomically across two instances. */
@ClusterTest
class AuthKeysTest {

  static Api.Reply create(IdentityCluster c, String token, Map<String, Object> body) {
    var r = c.api(0, token).post("/api/v1/authkeys", body);
    assertEquals(201, r.status(), r.body());
    return r;
  }

  static Api.Reply use(IdentityCluster c, int node, String key, String tailnet) {
    Map<String, Object> body = new HashMap<>();
    body.put("key", key);
    body.put("nodeId", "n-" + node);
    body.put("hostname", "host-" + node);
    body.put("sourceIp", "198.51.100." + (node + 1));
    if (tailnet != null) {
      body.put("tailnet", tailnet);
    }
    return c.admin(node).post("/api/v1/internal/authkeys/use", body);
  }

  /** Fires {@code n} uses of {@code key} at once, alternating instances; returns the statuses. */
  static List<Api.Reply> concurrentUses(IdentityCluster c, String key, int n) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Api.Reply>> all = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      for (int i = 0; i < n; i++) {
        int node = i % 2;
        all.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return use(c, node, key, null);
                },
                pool));
      }
      go.countDown();
      List<Api.Reply> out = new ArrayList<>();
      for (var f : all) {
        out.add(f.get());
      }
      return out;
    }
  }

  @Test
  void aOneOffKeyUsedConcurrentlyThroughTwoInstancesSucceedsExactlyOnce(IdentityCluster c)
      throws Exception {
    String tailnet = Tailnets.create(c, "keys-once");
    String admin = Tailnets.token(c, tailnet, "admin");
    Tailnets.defineTags(c, tailnet, "tag:server");
    for (int round = 0; round < 3; round++) {
      String key = create(c, admin, Map.of("tags", List.of("tag:server"))).text("key");
      assertTrue(key.startsWith("trellis-auth-"));
      List<Api.Reply> replies = concurrentUses(c, key, 8);
      long ok = replies.stream().filter(r -> r.status() == 200).count();
      assertEquals(1, ok, replies.toString());
      for (var r : replies) {
        if (r.status() != 200) {
          assertEquals("AUTH_KEY_USED", r.code(), r.body());
        }
      }
    }
  }

  @Test
  void aReusableKeyWithALimitIsExhaustedAtTheLimit(IdentityCluster c) throws Exception {
    String tailnet = Tailnets.create(c, "keys-limit");
    String admin = Tailnets.token(c, tailnet, "admin");
    var made =
        create(
            c, admin, Map.of("reusable", true, "uses", 3, "ephemeral", true, "preapproved", true));
    List<Api.Reply> replies = concurrentUses(c, made.text("key"), 7);
    assertEquals(3, replies.stream().filter(r -> r.status() == 200).count(), replies.toString());
    assertEquals(4, replies.stream().filter(r -> "AUTH_KEY_EXHAUSTED".equals(r.code())).count());
    var ok = replies.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
    assertTrue(ok.json().path("keyInfo").path("ephemeral").asBoolean());
    assertTrue(ok.json().path("keyInfo").path("preapproved").asBoolean());
    var listed = c.api(1, admin).get("/api/v1/authkeys").json().path("authkeys").get(0);
    assertEquals(3, listed.path("useCount").asInt());
    assertFalse(listed.toString().contains(made.text("key")));
  }

  @Test
  void wrongExpiredRevokedAndForeignKeysAreRefusedAndAudited(IdentityCluster c) throws Exception {
    String a = Tailnets.create(c, "keys-a");
    String b = Tailnets.create(c, "keys-b");
    String adminA = Tailnets.token(c, a, "admin");
    String adminB = Tailnets.token(c, b, "admin");

    String key = create(c, adminA, Map.of("reusable", true)).text("key");
    String tampered = key.substring(0, key.length() - 2) + (key.endsWith("A") ? "BB" : "AA");
    var wrong = use(c, 1, tampered, null);
    assertEquals(401, wrong.status());
    assertEquals("AUTH_KEY_INVALID", wrong.code());

    var garbage = use(c, 0, "not-a-key\u00ff", null);
    assertEquals("AUTH_KEY_INVALID", garbage.code());
    // Control characters make the request malformed before any key is looked at.
    var control = use(c, 0, "not-a-key\u0000", null);
    assertEquals(400, control.status(), control.body());
    assertEquals("key", control.json().path("error").path("field").asText());

    // A's key presented for tailnet B: the same answer as a key that does not exist.
    var foreign = use(c, 0, key, b);
    String unknownKey = "trellis-auth-0123456789abcdef-" + "x".repeat(43);
    var unknown = use(c, 0, unknownKey, b);
    assertEquals(401, foreign.status());
    assertEquals(unknown.status(), foreign.status());
    assertEquals(unknown.body(), foreign.body());
    assertEquals(200, use(c, 1, key, a).status());

    var shortKey = create(c, adminA, Map.of("expiry", "5m")).text("key");
    c.clock.advance(Duration.ofMinutes(6));
    assertEquals("AUTH_KEY_EXPIRED", use(c, 0, shortKey, null).code());

    var made = create(c, adminA, Map.of());
    String id = made.json().path("keyInfo").path("id").asText();
    assertEquals(200, c.api(1, adminA).post("/api/v1/authkeys/" + id + "/revoke", "").status());
    assertEquals("AUTH_KEY_REVOKED", use(c, 1, made.text("key"), null).code());
    // B's admin cannot see or revoke A's key.
    assertEquals(404, c.api(0, adminB).post("/api/v1/authkeys/" + id + "/revoke", "").status());

    String audit = c.api(0, adminA).get("/api/v1/audit?tailnet=" + a).body();
    assertTrue(audit.contains("trellis.event.v1.AuthKeyCreated"), audit);
    assertTrue(audit.contains("trellis.event.v1.AuthKeyUsed"), audit);
    assertTrue(audit.contains("trellis.event.v1.AuthKeyRevoked"), audit);
    assertTrue(audit.contains("AUTH_KEY_INVALID"), audit);
    assertTrue(audit.contains("AUTH_KEY_EXPIRED"), audit);
    assertTrue(audit.contains("AUTH_KEY_REVOKED"), audit);
    assertFalse(audit.contains(key.substring(30)), "no key secret in the audit");
    // Each line names its actor: A's admin token created and revoked, the service credential used.
    String adminAId = dev.trellis.runtime.access.ApiTokenText.tokenId(adminA).orElseThrow();
    String serviceId = dev.trellis.runtime.access.ApiTokenText.tokenId(c.adminToken).orElseThrow();
    for (String line : audit.split("\n")) {
      var json = Api.JSON.readTree(line);
      String type = json.path("type").asText();
      String actor = json.path("actor").path("id").asText();
      if (type.endsWith("AuthKeyCreated") || type.endsWith("AuthKeyRevoked")) {
        assertEquals(adminAId, actor, line);
      } else if (type.endsWith("AuthKeyUsed") || type.endsWith("AuthKeyRefused")) {
        assertEquals(serviceId, actor, line);
      }
    }
    String auditB = c.api(0, adminB).get("/api/v1/audit?tailnet=" + b).body();
    assertTrue(auditB.contains("AUTH_KEY_INVALID"), auditB);
    assertFalse(auditB.contains(key.substring(13, 29)), "A's key id must not show in B's audit");
  }

  @Test
  void onlyAdminsCreateKeysAndBadOptionsAreNamed(IdentityCluster c) {
    String t = Tailnets.create(c, "keys-opts");
    String member = Tailnets.token(c, t, "member");
    assertEquals(403, c.api(0, member).post("/api/v1/authkeys", Map.of()).status());
    String admin = Tailnets.token(c, t, "admin");
    var badTag = c.api(0, admin).post("/api/v1/authkeys", Map.of("tags", List.of("server")));
    assertEquals("tags[0]", badTag.json().path("error").path("field").asText(), badTag.body());
    var badUses = c.api(0, admin).post("/api/v1/authkeys", Map.of("uses", 5));
    assertEquals("uses", badUses.json().path("error").path("field").asText(), badUses.body());
    var notBool = c.api(0, admin).post("/api/v1/authkeys", "{\"reusable\":\"yes\"}");
    assertEquals(400, notBool.status());
    // Only a service credential may use keys.
    var asAdmin =
        c.api(0, admin).post("/api/v1/internal/authkeys/use", Map.of("key", "trellis-auth-x"));
    assertEquals(403, asAdmin.status());
  }
}
