package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tailnet settings: device approval, key expiry, password login, OIDC, with the secret hidden. */
@ClusterTest
class TailnetSettingsTest {

  @Test
  void adminsChangeSettingsAndEveryoneReadsThem(IdentityCluster c) {
    String t = Tailnets.create(c, "settings");
    String admin = Tailnets.token(c, t, "admin");
    String auditor = Tailnets.token(c, t, "auditor");
    String path = "/api/v1/tailnets/" + t + "/settings";
    var before = c.api(1, auditor).get(path);
    assertEquals(200, before.status(), before.body());
    assertFalse(before.json().path("deviceApproval").asBoolean());
    assertEquals("180d", before.text("nodeKeyExpiry"));

    var changed =
        c.api(0, admin)
            .post(
                path,
                Map.of(
                    "deviceApproval",
                    true,
                    "nodeKeyExpiry",
                    "30d",
                    "oidc",
                    Map.of(
                        "issuer",
                        "https://idp.example.com/realm",
                        "clientId",
                        "trellis",
                        "clientSecret",
                        "s3cr3t-value-never-shown",
                        "allowedEmailDomains",
                        List.of("Example.com"))));
    assertEquals(200, changed.status(), changed.body());
    var after = c.api(1, auditor).get(path);
    assertTrue(after.json().path("deviceApproval").asBoolean());
    assertEquals("30d", after.text("nodeKeyExpiry"));
    assertEquals(
        "example.com", after.json().path("oidc").path("allowedEmailDomains").get(0).asText());
    assertTrue(after.json().path("oidc").path("hasClientSecret").asBoolean());
    assertFalse(after.body().contains("s3cr3t"));

    assertEquals(403, c.api(0, auditor).post(path, Map.of("deviceApproval", false)).status());
    var bad =
        c.api(0, admin).post(path, Map.of("oidc", Map.of("issuer", "ftp://x", "clientId", "a")));
    assertEquals("oidc.issuer", bad.json().path("error").path("field").asText(), bad.body());
    var badType = c.api(0, admin).post(path, Map.of("deviceApproval", "on"));
    assertEquals("deviceApproval", badType.json().path("error").path("field").asText());

    String audit = c.api(0, admin).get("/api/v1/audit?tailnet=" + t).body();
    assertTrue(audit.contains("TailnetSettingsChanged"), audit);
    assertFalse(audit.contains("s3cr3t"), "no client secret in the audit");
  }
}
