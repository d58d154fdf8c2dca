package dev.trellis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.PolicyRejected;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.testkit.IdentityRecords;
import dev.trellis.testkit.ServiceCluster;
import dev.trellis.testkit.tag.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy service on a real Kafka broker and a real Hazelcast member: the admin API reads the
 * default policy, accepts a valid edit (an event with the full text and the actor, visible in the
 * projection), refuses invalid text and failing tests with positioned problems while the running
 * policy stays, checks If-Match and roles, and scopes tailnets as the other services do.
 */
@IntegrationTest
class PolicyServiceTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static ServiceCluster cluster;
  static HazelcastInstance hz;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        ServiceCluster.builder("policy")
            .instances(1)
            .services(i -> List.of(new PolicyService()))
            .start();
    hz = cluster.hazelcast();
    base = cluster.instance(0).anonymous().base();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String tailnet() {
    return IdentityRecords.tailnet(hz, TailnetSettings.getDefaultInstance());
  }

  static String token(String tailnet, UserRole role) {
    return IdentityRecords.token(hz, tailnet, role, false);
  }

  record Reply(int status, JsonNode json) {
    String code() {
      return json.path("error").path("code").asText(null);
    }
  }

  static Reply send(String token, HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body().isEmpty() ? "null" : r.body()));
  }

  static Reply get(String token, String tailnet) throws Exception {
    return send(
        token, HttpRequest.newBuilder(URI.create(base + "/api/v1/policy?tailnet=" + tailnet)));
  }

  static Reply post(String token, String path, String tailnet, String text, String ifMatch)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path + "?tailnet=" + tailnet))
            .header("Content-Type", "application/hujson")
            .POST(HttpRequest.BodyPublishers.ofString(text));
    if (ifMatch != null) {
      b.header("If-Match", ifMatch);
    }
    return send(token, b);
  }

  static final String GOOD =
      """
      {
        "groups": {"group:eng": ["alice@example.com"]},
        // eng may reach anything on 22
        "acls": [{"action": "accept", "src": ["group:eng"], "dst": ["*:22"]}],
        "tests": [{"src": "alice@example.com", "accept": ["100.64.0.9:22"], "deny": ["100.64.0.9:80"]}],
      }
      """;

  static final String FAILING_TEST =
      """
      {
        "acls": [{"action": "accept", "src": ["*"], "dst": ["*:22"]}],
        "tests": [{"src": "bob@example.com", "accept": ["100.64.0.9:443"]}],
      }
      """;

  @Test
  void aNewTailnetHasTheDefaultPolicyAtVersionZero() throws Exception {
    String tn = tailnet();
    Reply r = get(token(tn, UserRole.AUDITOR), tn);
    assertEquals(200, r.status());
    assertEquals(0, r.json().path("version").asLong());
    assertEquals(Policy.DEFAULT_HUJSON, r.json().path("text").asText());
  }

  @Test
  void anAcceptedEditIsStoredAsAnEventWithTheTextAndTheActor() throws Exception {
    String tn = tailnet();
    String admin = token(tn, UserRole.ADMIN);
    Reply r = post(admin, "/api/v1/policy", tn, GOOD, "0");
    assertEquals(200, r.status(), r.json().toString());
    assertEquals(1, r.json().path("version").asLong());
    assertTrue(r.json().path("changed").asBoolean());
    Reply got = get(admin, tn);
    assertEquals(GOOD, got.json().path("text").asText());
    assertEquals(1, got.json().path("version").asLong());
    assertFalse(got.json().path("updatedBy").asText().isEmpty());

    List<EventEnvelope> events = events(tn);
    EventEnvelope last = events.getLast();
    assertEquals(PolicyUpdated.getDescriptor().getFullName(), last.getType());
    PolicyUpdated u = PolicyUpdated.parseFrom(last.getPayload());
    assertEquals(GOOD, u.getHujson());
    assertEquals(got.json().path("sha256").asText(), u.getSha256());
    assertEquals(dev.trellis.proto.event.v1.Actor.Kind.API_TOKEN, last.getActor().getKind());

    // The same text again changes nothing.
    Reply again = post(admin, "/api/v1/policy", tn, GOOD, null);
    assertEquals(1, again.json().path("version").asLong());
    assertFalse(again.json().path("changed").asBoolean());
  }

  @Test
  void refusedTextsNamePlacesAndLeaveTheRunningPolicy() throws Exception {
    String tn = tailnet();
    String netAdmin = token(tn, UserRole.NETWORK_ADMIN);
    assertEquals(200, post(netAdmin, "/api/v1/policy", tn, GOOD, null).status());

    Reply bad =
        post(
            netAdmin,
            "/api/v1/policy",
            tn,
            "{\n  \"acls\": [\n    {\"action\": \"deny\"}\n  ]\n}",
            null);
    assertEquals(422, bad.status());
    assertEquals("POLICY_INVALID", bad.code());
    JsonNode p = bad.json().path("problems").get(0);
    assertEquals(3, p.path("line").asInt(), bad.json().toString());
    assertTrue(p.path("column").asInt() > 0);

    Reply failing = post(netAdmin, "/api/v1/policy", tn, FAILING_TEST, null);
    assertEquals(422, failing.status());
    assertEquals("POLICY_TESTS_FAILED", failing.code());
    assertTrue(failing.json().path("problems").get(0).path("message").asText().contains("443"));

    Reply now = get(netAdmin, tn);
    assertEquals(GOOD, now.json().path("text").asText());
    assertEquals(1, now.json().path("version").asLong());
    List<EventEnvelope> events = events(tn);
    assertEquals(
        2,
        events.stream()
            .filter(e -> e.getType().equals(PolicyRejected.getDescriptor().getFullName()))
            .count());
  }

  @Test
  void theTagsAPolicyDefinesAreReadableByOtherServices() throws Exception {
    String tn = tailnet();
    String admin = token(tn, UserRole.ADMIN);
    var defined = hz.<String, byte[]>getMap(StateMaps.DEFINED_TAGS);
    assertEquals(null, defined.get(tn), "no policy, no tags");
    String tagged =
        """
        {
          "tagOwners": {"tag:web": ["autogroup:admin"], "tag:db": ["alice@example.com"]},
          "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
        }
        """;
    assertEquals(200, post(admin, "/api/v1/policy", tn, tagged, "0").status());
    var record = dev.trellis.proto.state.v1.DefinedTagsRecord.parseFrom(defined.get(tn));
    assertEquals(java.util.List.of("tag:db", "tag:web"), record.getTagsList());
    assertEquals(1, record.getPolicyVersion());
    assertEquals(200, post(admin, "/api/v1/policy", tn, GOOD, "1").status());
    assertEquals(
        java.util.List.of(),
        dev.trellis.proto.state.v1.DefinedTagsRecord.parseFrom(defined.get(tn)).getTagsList());
  }

  @Test
  void validateChangesNothing() throws Exception {
    String tn = tailnet();
    String owner = token(tn, UserRole.OWNER);
    Reply ok = post(owner, "/api/v1/policy/validate", tn, GOOD, null);
    assertEquals(200, ok.status());
    assertTrue(ok.json().path("valid").asBoolean());
    assertEquals(1, ok.json().path("tests").asInt(), ok.json().toString());
    Reply failing = post(owner, "/api/v1/policy/validate", tn, FAILING_TEST, null);
    assertEquals(422, failing.status());
    assertEquals("POLICY_TESTS_FAILED", failing.code());
    assertEquals(0, get(owner, tn).json().path("version").asLong());
    assertTrue(events(tn).isEmpty());
  }

  @Test
  void ifMatchMustNameTheCurrentVersion() throws Exception {
    String tn = tailnet();
    String admin = token(tn, UserRole.ADMIN);
    assertEquals(200, post(admin, "/api/v1/policy", tn, GOOD, "0").status());
    Reply stale = post(admin, "/api/v1/policy", tn, Policy.DEFAULT_HUJSON, "0");
    assertEquals(409, stale.status());
    assertEquals("POLICY_VERSION_CONFLICT", stale.code());
    assertEquals(400, post(admin, "/api/v1/policy", tn, Policy.DEFAULT_HUJSON, "x").status());
    assertEquals(200, post(admin, "/api/v1/policy", tn, Policy.DEFAULT_HUJSON, "\"1\"").status());
  }

  @Test
  void rolesAndTailnetsAreChecked() throws Exception {
    String tn = tailnet();
    String other = tailnet();
    assertEquals(403, post(token(tn, UserRole.MEMBER), "/api/v1/policy", tn, GOOD, null).status());
    assertEquals(403, post(token(tn, UserRole.AUDITOR), "/api/v1/policy", tn, GOOD, null).status());
    Reply foreign = get(token(other, UserRole.OWNER), tn);
    assertEquals(404, foreign.status());
    assertEquals("TAILNET_NOT_FOUND", foreign.code());
    Reply wrongType =
        send(
            token(tn, UserRole.OWNER),
            HttpRequest.newBuilder(URI.create(base + "/api/v1/policy?tailnet=" + tn))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString(GOOD)));
    assertEquals(415, wrongType.status());
    assertEquals(401, get("nonsense", tn).status());
  }

  static List<EventEnvelope> events(String tailnet) {
    return cluster.events(Topics.POLICY).stream()
        .filter(e -> e.getTailnetId().equals(tailnet))
        .toList();
  }
}
