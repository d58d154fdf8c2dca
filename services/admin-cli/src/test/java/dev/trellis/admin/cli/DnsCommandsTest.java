package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dns get|set|split|records against a server that records the requests. */
class DnsCommandsTest {
  static final String CURRENT =
      "{\"tailnetId\":\"tn1\",\"tailnet\":\"acme\",\"version\":3,\"magicDns\":true,"
          + "\"suffix\":\"acme.trellis.internal\",\"suffixIsDefault\":true,"
          + "\"nameservers\":[\"1.1.1.1\"],"
          + "\"routes\":{\"corp.test\":[\"100.64.0.53\"]},\"searchDomains\":[],"
          + "\"extraRecords\":[{\"name\":\"grafana.internal\",\"type\":\"A\","
          + "\"value\":\"100.64.0.7\"}]}";

  private ContractServer server;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    server = new ContractServer();
    env = Map.of("TRELLIS_SERVER", server.url(), "TRELLIS_TOKEN", "tok-secret-123");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static JsonNode json(String s) throws Exception {
    return new ObjectMapper().readTree(s);
  }

  @Test
  void getPrintsEverySetting() {
    server.answer("/api/v1/dns", 200, CURRENT);
    Run get = Run.of(env, "dns", "get", "--tailnet", "acme");
    assertEquals(0, get.code(), get.err());
    assertEquals("tailnet=acme", server.last().query());
    assertEquals(
        """
        tailnet      acme (DNS version 3)
        magic dns    on
        suffix       acme.trellis.internal (default)
        nameservers  1.1.1.1
        search       -
        split dns    corp.test -> 100.64.0.53
        record       grafana.internal A 100.64.0.7
        """,
        get.out());
  }

  @Test
  void setSendsOnlyTheGivenFields() throws Exception {
    server.answer("/api/v1/dns", 200, CURRENT);
    Run set =
        Run.of(
            env,
            "dns",
            "set",
            "--magic-dns",
            "off",
            "--nameservers",
            "none",
            "--suffix",
            "default");
    assertEquals(0, set.code(), set.err());
    JsonNode body = json(server.last().body());
    assertEquals(false, body.path("magicDns").asBoolean(true));
    assertEquals(0, body.path("nameservers").size());
    assertTrue(body.path("nameservers").isArray());
    assertEquals("", body.path("suffix").asText("x"));
    assertTrue(body.path("searchDomains").isMissingNode(), body.toString());
    assertEquals(2, Run.of(env, "dns", "set").code(), "nothing to change is a usage error");
    assertEquals(2, Run.of(env, "dns", "set", "--magic-dns", "maybe").code());
  }

  @Test
  void splitSetReadsAndWritesBackWithIfMatchKeepingTheOtherDomains() throws Exception {
    server.answer("/api/v1/dns", 200, CURRENT);
    Run split = Run.of(env, "dns", "split", "set", "eu.corp.test", "10.0.0.53,10.0.0.54:5353");
    assertEquals(0, split.code(), split.err());
    var post = server.last();
    assertEquals("POST", post.method());
    assertEquals("3", post.header("If-match"));
    JsonNode routes = json(post.body()).path("routes");
    assertEquals("[\"100.64.0.53\"]", routes.path("corp.test").toString());
    assertEquals("[\"10.0.0.53\",\"10.0.0.54:5353\"]", routes.path("eu.corp.test").toString());
  }

  @Test
  void aLostRaceIsRetriedOnTheNewSettings() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    server.on(
        "/api/v1/dns",
        ex -> {
          if (ex.getRequestMethod().equals("GET")) {
            ContractServer.reply(ex, 200, CURRENT);
          } else if (posts.incrementAndGet() == 1) {
            ContractServer.reply(
                ex, 409, "{\"error\":{\"code\":\"CONFLICT\",\"message\":\"version 4, not 3\"}}");
          } else {
            ContractServer.reply(ex, 200, CURRENT);
          }
        });
    Run rm = Run.of(env, "dns", "split", "remove", "Corp.Test.");
    assertEquals(0, rm.code(), rm.err());
    assertEquals(2, posts.get());
    assertEquals("{}", json(server.last().body()).path("routes").toString());
  }

  @Test
  void removingWhatIsNotThereIsAUsageErrorAndChangesNothing() {
    server.answer("/api/v1/dns", 200, CURRENT);
    Run rm = Run.of(env, "dns", "split", "remove", "other.test");
    assertEquals(2, rm.code(), rm.err());
    assertTrue(rm.err().contains("not a split-DNS domain"), rm.err());
    Run rr = Run.of(env, "dns", "records", "remove", "grafana.internal", "AAAA");
    assertEquals(2, rr.code(), rr.err());
    assertTrue(server.requests.stream().noneMatch(r -> r.method().equals("POST")));
  }

  @Test
  void recordsAreAddedAndRemovedByNameTypeAndValue() throws Exception {
    server.answer("/api/v1/dns", 200, CURRENT);
    assertEquals(0, Run.of(env, "dns", "records", "add", "db.internal", "AAAA", "fd7a::9").code());
    JsonNode added = json(server.last().body()).path("extraRecords");
    assertEquals(2, added.size());
    assertEquals("db.internal", added.get(1).path("name").asText());
    assertEquals(0, Run.of(env, "dns", "records", "remove", "grafana.internal.").code());
    assertEquals(0, json(server.last().body()).path("extraRecords").size());
  }

  @Test
  void aRefusalNamesTheField() {
    server.on(
        "/api/v1/dns",
        ex ->
            ContractServer.reply(
                ex,
                ex.getRequestMethod().equals("GET") ? 200 : 422,
                ex.getRequestMethod().equals("GET")
                    ? CURRENT
                    : "{\"error\":{\"code\":\"VALIDATION_FAILED\",\"field\":\"nameservers[0]\","
                        + "\"message\":\"'dns.google' is not an IP address\"}}"));
    Run set = Run.of(env, "dns", "set", "--nameservers", "dns.google");
    assertEquals(1, set.code());
    assertTrue(set.err().contains("nameservers[0]") || set.err().contains("dns.google"), set.err());
  }
}
