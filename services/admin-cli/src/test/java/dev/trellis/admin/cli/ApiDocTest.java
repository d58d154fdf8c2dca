package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/admin-api.yaml describes every request trellis-admin makes, with bearer auth. */
class ApiDocTest {
  private static JsonNode doc;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of("../../docs/admin-api.yaml");
    assertTrue(Files.exists(file), file.toAbsolutePath() + " is missing");
    doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
  }

  @Test
  void isOpenApi31WithBearerAuthEverywhere() {
    assertTrue(doc.path("openapi").asText().startsWith("3.1"), doc.path("openapi").asText());
    JsonNode scheme = doc.path("components").path("securitySchemes").path("adminToken");
    assertEquals("http", scheme.path("type").asText());
    assertEquals("bearer", scheme.path("scheme").asText());
    assertTrue(doc.path("security").get(0).has("adminToken"));
  }

  @Test
  void describesEveryRequestTheCliMakes() {
    String[][] requests = {
      {"/api/v1/tailnets", "get"},
      {"/api/v1/tailnets", "post"},
      {"/api/v1/audit", "get"},
      {"/api/v1/admin/replay/verify", "post"},
      {"/api/v1/tailnets/{tailnet}/settings", "post"},
      {"/api/v1/users", "get"},
      {"/api/v1/users", "post"},
      {"/api/v1/users/{id}/role", "post"},
      {"/api/v1/users/{id}/remove", "post"},
      {"/api/v1/tokens", "get"},
      {"/api/v1/tokens", "post"},
      {"/api/v1/tokens/{id}/revoke", "post"},
      {"/api/v1/authkeys", "get"},
      {"/api/v1/authkeys", "post"},
      {"/api/v1/authkeys/{id}/revoke", "post"},
      {"/api/v1/policy", "get"},
      {"/api/v1/policy", "post"},
      {"/api/v1/policy/validate", "post"},
      {"/api/v1/dns", "get"},
      {"/api/v1/dns", "post"},
    };
    for (String[] r : requests) {
      assertTrue(doc.path("paths").path(r[0]).has(r[1]), r[1] + " " + r[0] + " is not described");
    }
    Set<String> params = new HashSet<>();
    doc.path("paths")
        .path("/api/v1/audit")
        .path("get")
        .path("parameters")
        .forEach(p -> params.add(p.path("name").asText()));
    assertEquals(Set.of("tailnet", "since", "type", "actor", "follow"), params);
    assertTrue(
        doc.path("paths")
            .path("/api/v1/audit")
            .path("get")
            .path("responses")
            .path("200")
            .path("content")
            .has("application/x-ndjson"));
  }

  @Test
  void describesTheOneErrorBody() {
    JsonNode error = doc.path("components").path("schemas").path("Error");
    JsonNode inner = error.path("properties").path("error");
    assertEquals("[\"code\",\"message\"]", inner.path("required").toString());
  }
}
