package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.ClusterTest;
import org.junit.jupiter.api.Test;

/** Interactive device login: the page, and completion by a signed-in user only. */
@ClusterTest
class DeviceLoginTest {
  static final String CODE = "abcdefghijklmnop0123456789_-XYZ";

  @Test
  void aSignedInUserCompletesADeviceLoginAndTheAuditShowsIt(IdentityCluster c) {
    String[] m = LoginTest.memberWithPassword(c, "dev@example.com");
    var page = c.nodes.get(1).anonymous().get("/login/device/" + CODE);
    assertEquals(200, page.status());
    assertTrue(page.body().contains(CODE), page.body());
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
    var ok = c.nodes.get(0).anonymous().as(session).post("/api/v1/device-logins/" + CODE, "");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("approved", ok.text("status"));

    String audit = c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0]).body();
    assertTrue(audit.contains("trellis.event.v1.DeviceLoginCompleted"), audit);
    assertTrue(audit.contains("dev@example.com"), audit);
    assertTrue(!audit.contains(session), "the session never reaches the log");
  }
}
