package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.state.StateMaps;
import dev.trellis.testkit.ClusterTest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interactive device login: the page, and completion by a signed-in user only, of codes the
 * coordinator issued, once, at a bounded rate per user.
 */
@ClusterTest
class DeviceLoginTest {
  static final String CODE = "abcdefghijklmnop0123456789_-XYZ";

  /** A code the coordinator has issued: a pending registration in its shared map, as it writes. */
  static String issue(IdentityCluster c, String code) {
    c.nodes
        .getFirst()
        .hazelcast()
        .<String, String>getMap(StateMaps.PENDING_DEVICE_LOGINS)
        .set(
            code,
            "{\"machineKey\":\"mkey:"
                + "ab".repeat(32)
                + "\",\"nodeKey\":\"nodekey:"
                + "cd".repeat(32)
                + "\"}",
            600,
            TimeUnit.SECONDS);
    return code;
  }

  static String freshCode() {
    return UUID.randomUUID().toString().replace("-", "") + "XYZ";
  }

  @Test
  void aSignedInUserCompletesADeviceLoginAndTheAuditShowsIt(IdentityCluster c) {
    String[] m = LoginTest.memberWithPassword(c, "dev@example.com");
    var page = c.nodes.get(1).anonymous().get("/login/device/" + CODE);
    assertEquals(302, page.status(), page.body());
    assertEquals("/#/device/" + CODE, page.raw().headers().firstValue("Location").orElseThrow());
    assertEquals(404, c.nodes.get(1).anonymous().get("/login/device/bad%20code").status());

    var anonymous = c.nodes.get(0).anonymous().post("/api/v1/device-logins/" + CODE, "");
    assertEquals(401, anonymous.status(), anonymous.body());
    var forged =
        c.nodes
            .get(0)
            .anonymous()
            .as("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
            .post("/api/v1/device-logins/" + CODE, "");
    assertEquals(401, forged.status(), forged.body());
    var badCode = c.api(0, "x").post("/api/v1/device-logins/short", "");
    assertEquals(400, badCode.status(), badCode.body());

    String session =
        LoginTest.login(c, 1, m[0], "dev@example.com", LoginTest.PASSWORD).text("token");
    issue(c, CODE);
    var ok = c.nodes.get(0).anonymous().as(session).post("/api/v1/device-logins/" + CODE, "");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("approved", ok.text("status"));

    String audit = c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0]).body();
    assertTrue(audit.contains("trellis.event.v1.DeviceLoginCompleted"), audit);
    assertTrue(audit.contains("dev@example.com"), audit);
    assertTrue(!audit.contains(session), "the session never reaches the log");
  }

  @Test
  void aCodeNeverIssuedOrAlreadyApprovedIsNotApproved(IdentityCluster c) {
    String[] m = LoginTest.memberWithPassword(c, "codes@example.com");
    String session =
        LoginTest.login(c, 0, m[0], "codes@example.com", LoginTest.PASSWORD).text("token");
    String never = freshCode();
    var unknown = c.nodes.get(1).anonymous().as(session).post("/api/v1/device-logins/" + never, "");
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals("NOT_FOUND", unknown.code());

    String code = issue(c, freshCode());
    var first = c.nodes.get(0).anonymous().as(session).post("/api/v1/device-logins/" + code, "");
    assertEquals(200, first.status(), first.body());
    var again = c.nodes.get(1).anonymous().as(session).post("/api/v1/device-logins/" + code, "");
    assertEquals(409, again.status(), again.body());

    var completed =
        c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0] + "&type=DeviceLoginCompleted").body();
    assertFalse(completed.contains(never), "a never-issued code was approved: " + completed);
    assertEquals(1, completed.strip().split("\n").length, completed);
    assertTrue(completed.contains(code), completed);
  }

  @Test
  void approvalsAreRateLimitedPerUser(IdentityCluster c) {
    String[] m = LoginTest.memberWithPassword(c, "rate@example.com");
    String session =
        LoginTest.login(c, 1, m[0], "rate@example.com", LoginTest.PASSWORD).text("token");
    int approved = 0;
    int limited = 0;
    for (int i = 0; i < 15; i++) {
      String code = issue(c, freshCode());
      var r = c.nodes.get(i % 2).anonymous().as(session).post("/api/v1/device-logins/" + code, "");
      if (r.status() == 200) {
        approved++;
      } else {
        assertEquals(429, r.status(), r.body());
        assertEquals("RATE_LIMITED", r.code());
        limited++;
      }
    }
    assertEquals(10, approved);
    assertEquals(5, limited);
  }
}
