package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tailnet's DNS settings through the admin API on two identity instances (real Kafka and
 * Hazelcast): defaults, changes by owners, admins and network admins only, If-Match, the audit
 * trail, tenant isolation, and refusals that name the field.
 */
@ClusterTest
class DnsSettingsTest {
  static String path(String t) {
    return "/api/v1/dns?tailnet=" + t;
  }

  @Test
  void defaultsAreMagicDnsOnUnderTheTailnetsOwnSuffix(IdentityCluster c) {
    String t = Tailnets.create(c, "dnsdefault");
    var r = c.api(0, Tailnets.token(c, t, "member")).get(path(t));
    assertEquals(200, r.status(), r.body());
    assertEquals(0, r.json().path("version").asLong());
    assertTrue(r.json().path("magicDns").asBoolean());
    assertEquals(t + ".trellis.internal", r.text("suffix"));
    assertTrue(r.json().path("suffixIsDefault").asBoolean());
    assertEquals(0, r.json().path("nameservers").size());
    var own = c.api(1, Tailnets.token(c, t, "auditor")).get("/api/v1/dns");
    assertEquals(t, own.text("tailnet"), "without ?tailnet, the caller's own");
  }

  @Test
  void adminsAndNetworkAdminsChangeDnsAndEveryInstanceSeesIt(IdentityCluster c) {
    String t = Tailnets.create(c, "dnsset");
    String admin = Tailnets.token(c, t, "admin");
    var changed =
        c.api(0, admin)
            .post(
                path(t),
                Map.of(
                    "suffix",
                    "Corp.Example.NET.",
                    "nameservers",
                    List.of(
                        "1.1.1.1",
                        "[2606:4700:4700:0:0:0:0:1111]:53",
                        "https://dns.example/dns-query"),
                    "routes",
                    Map.of("corp.test", List.of("100.64.0.53", "10.0.0.53:5353")),
                    "searchDomains",
                    List.of("corp.test"),
                    "extraRecords",
                    List.of(
                        Map.of("name", "grafana.internal", "type", "a", "value", "100.64.0.7"),
                        Map.of(
                            "name", "grafana.internal", "type", "AAAA", "value", "fd7a:0:0::7"))));
    assertEquals(200, changed.status(), changed.body());
    assertEquals(1, changed.json().path("version").asLong());
    var seen = c.api(1, admin).get(path(t));
    assertEquals("corp.example.net", seen.text("suffix"));
    assertEquals(
        "[\"1.1.1.1\",\"2606:4700:4700::1111\",\"https://dns.example/dns-query\"]",
        seen.json().path("nameservers").toString());
    assertEquals(
        "[\"100.64.0.53\",\"10.0.0.53:5353\"]",
        seen.json().path("routes").path("corp.test").toString());
    assertEquals("A", seen.json().path("extraRecords").get(0).path("type").asText());
    assertEquals("fd7a::7", seen.json().path("extraRecords").get(1).path("value").asText());

    String netAdmin = Tailnets.token(c, t, "network-admin");
    var off = c.api(1, netAdmin).post(path(t), Map.of("magicDns", false));
    assertEquals(200, off.status(), off.body());
    assertFalse(off.json().path("magicDns").asBoolean());
    assertEquals(2, off.json().path("version").asLong());
    var same = c.api(0, netAdmin).post(path(t), Map.of("magicDns", false));
    assertEquals(2, same.json().path("version").asLong(), "no change, no event");

    for (String role : List.of("auditor", "member")) {
      var refused = c.api(0, Tailnets.token(c, t, role)).post(path(t), Map.of("magicDns", true));
      assertEquals(403, refused.status(), role + ": " + refused.body());
    }
    String audit = c.api(0, admin).get("/api/v1/audit?tailnet=" + t).body();
    assertTrue(audit.contains("DnsSettingsChanged"), audit);
    assertTrue(audit.contains("DNS version 2: magic_dns"), audit);
  }

  @Test
  void ifMatchRefusesAChangeBasedOnAnOlderVersion(IdentityCluster c) {
    String t = Tailnets.create(c, "dnsmatch");
    String admin = Tailnets.token(c, t, "admin");
    Api api = c.api(0, admin);
    assertEquals(200, ifMatch(api, admin, t, "0", "{\"searchDomains\":[\"a.test\"]}").status());
    var stale = ifMatch(api, admin, t, "0", "{\"searchDomains\":[\"b.test\"]}");
    assertEquals(409, stale.status(), stale.body());
    assertEquals("CONFLICT", stale.code());
    var fresh = ifMatch(api, admin, t, "\"1\"", "{\"searchDomains\":[\"b.test\"]}");
    assertEquals(200, fresh.status(), fresh.body());
    assertEquals("b.test", fresh.json().path("searchDomains").get(0).asText());
    assertEquals(400, ifMatch(api, admin, t, "soon", "{}").status());
  }

  static Api.Reply ifMatch(Api api, String token, String t, String version, String body) {
    return Api.send(
        HttpRequest.newBuilder(URI.create(api.base() + path(t)))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .header("If-Match", version)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void anotherTailnetsDnsIsNotFound(IdentityCluster c) {
    String mine = Tailnets.create(c, "dnsmine");
    String theirs = Tailnets.create(c, "dnstheirs");
    String admin = Tailnets.token(c, mine, "admin");
    assertEquals(404, c.api(0, admin).get(path(theirs)).status());
    assertEquals(404, c.api(0, admin).post(path(theirs), Map.of("magicDns", false)).status());
  }

  @Test
  void badSettingsAreRefusedNamingTheField(IdentityCluster c) {
    String t = Tailnets.create(c, "dnsbad");
    Api api = c.api(0, Tailnets.token(c, t, "admin"));
    assertField(api, t, Map.of("nameservers", List.of("1.1.1.1", "10.0.0.300")), "nameservers[1]");
    assertField(api, t, Map.of("nameservers", List.of("dns.google")), "nameservers[0]");
    assertField(api, t, Map.of("nameservers", List.of("100.100.100.100")), "nameservers[0]");
    assertField(api, t, Map.of("nameservers", List.of("1.1.1.1:0")), "nameservers[0]");
    assertField(
        api,
        t,
        Map.of("routes", Map.of("*.corp.test", List.of("10.0.0.53"))),
        "routes[\"*.corp.test\"]");
    assertField(api, t, Map.of("routes", Map.of("corp.test", List.of())), "routes[\"corp.test\"]");
    assertField(
        api,
        t,
        Map.of("routes", Map.of("bad domain", List.of("10.0.0.53"))),
        "routes[\"bad domain\"]");
    assertField(
        api,
        t,
        Map.of("routes", Map.of("x." + t + ".trellis.internal", List.of("10.0.0.53"))),
        "routes[\"x." + t + ".trellis.internal\"]");
    assertField(api, t, Map.of("suffix", "single"), "suffix");
    assertField(api, t, Map.of("suffix", "10.0.0.1"), "suffix");
    assertField(
        api, t, Map.of("searchDomains", List.of("ok.test", "-bad.test")), "searchDomains[1]");
    assertField(
        api,
        t,
        Map.of(
            "extraRecords",
            List.of(Map.of("name", "v6.internal", "type", "AAAA", "value", "10.0.0.1"))),
        "extraRecords[0].value");
    assertField(
        api,
        t,
        Map.of(
            "extraRecords",
            List.of(Map.of("name", "mx.internal", "type", "MX", "value", "10.0.0.1"))),
        "extraRecords[0].type");
    var r = api.get(path(t));
    assertEquals(0, r.json().path("version").asLong(), "nothing refused was applied");
  }

  static void assertField(Api api, String t, Map<String, Object> body, String field) {
    var r = api.post(path(t), body);
    assertEquals(422, r.status(), r.body());
    assertEquals("VALIDATION_FAILED", r.code(), r.body());
    assertEquals(field, r.json().path("error").path("field").asText(), r.body());
  }
}
