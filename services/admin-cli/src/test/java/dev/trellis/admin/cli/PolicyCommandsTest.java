package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** policy get|set|validate|test against a server that records the requests. */
class PolicyCommandsTest {
  private static final String CURRENT =
      "{\"tailnetId\":\"tn1\",\"text\":\"{\\n  \\\"acls\\\": []\\n}\\n\",\"version\":3,"
          + "\"sha256\":\"ab\",\"updatedAt\":\"2026-11-24T10:00:00Z\",\"updatedBy\":\"tok\"}";
  private static final String SAVED =
      "{\"tailnetId\":\"tn1\",\"text\":\"x\",\"version\":4,\"sha256\":\"cd\","
          + "\"updatedAt\":\"2026-11-24T10:01:00Z\",\"updatedBy\":\"tok\","
          + "\"previousVersion\":3,\"changed\":true}";
  private static final String REFUSED =
      "{\"error\":{\"code\":\"POLICY_TESTS_FAILED\",\"message\":\"The policy's tests failed.\"},"
          + "\"problems\":[{\"line\":4,\"column\":7,\"code\":\"POLICY_TESTS_FAILED\","
          + "\"message\":\"alice@example.com should reach 100.64.0.9:22\"}]}";

  @TempDir Path dir;
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

  @Test
  void getPrintsTheText() {
    server.answer("/api/v1/policy", 200, CURRENT);
    Run get = Run.of(env, "policy", "get", "--tailnet", "acme");
    assertEquals(0, get.code(), get.err());
    assertEquals("{\n  \"acls\": []\n}\n", get.out());
    assertEquals("tailnet=acme", server.last().query());
    assertTrue(get.err().contains("version 3"), get.err());
  }

  @Test
  void setSendsTheFileBasedOnTheVersionReadAndShowsWhatChanged() throws Exception {
    Path file = dir.resolve("p.hujson");
    Files.writeString(file, "{\n  \"acls\": [{\"action\": \"accept\"}]\n}\n");
    server.on(
        "/api/v1/policy",
        ex -> ContractServer.reply(ex, 200, ex.getRequestMethod().equals("GET") ? CURRENT : SAVED));
    Run set = Run.of(env, "policy", "set", file.toString());
    assertEquals(0, set.code(), set.err());
    var post = server.last();
    assertEquals("POST", post.method());
    assertEquals("application/hujson", post.header("Content-type"));
    assertEquals("3", post.header("If-match"));
    assertEquals(Files.readString(file), post.body());
    assertEquals(
        """
        --- policy version 3
        +++ %s
        @@ -1,3 +1,3 @@
         {
        -  "acls": []
        +  "acls": [{"action": "accept"}]
         }
        policy version 3 -> 4
        """
            .formatted(file),
        set.out());
  }

  @Test
  void setShowsOnlyThreeLinesOfContextAroundEachChange() throws Exception {
    StringBuilder before = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      before.append("// line ").append(i).append('\n');
    }
    String after = before.toString().replace("// line 10\n", "// line ten\n");
    Path file = dir.resolve("long.hujson");
    Files.writeString(file, after);
    String current =
        new ObjectMapper()
            .createObjectNode()
            .put("tailnetId", "tn1")
            .put("text", before.toString())
            .put("version", 7)
            .toString();
    server.on(
        "/api/v1/policy",
        ex ->
            ContractServer.reply(
                ex,
                200,
                ex.getRequestMethod().equals("GET")
                    ? current
                    : SAVED
                        .replace("\"previousVersion\":3", "\"previousVersion\":7")
                        .replace("\"version\":4", "\"version\":8")));
    Run set = Run.of(env, "policy", "set", file.toString());
    assertEquals(0, set.code(), set.err());
    assertEquals(
        """
        --- policy version 7
        +++ %s
        @@ -7,7 +7,7 @@
         // line 7
         // line 8
         // line 9
        -// line 10
        +// line ten
         // line 11
         // line 12
         // line 13
        policy version 7 -> 8
        """
            .formatted(file),
        set.out());
  }

  @Test
  void getOnATerminalWritesTheWholeDocumentBeforeItsComment() {
    server.answer("/api/v1/policy", 200, CURRENT);
    // A terminal: stdout buffered (flushed when the program says), stderr written at once, both
    // onto one screen.
    java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out =
        new java.io.PrintStream(
            new java.io.BufferedOutputStream(screen, 8192), false, StandardCharsets.UTF_8);
    java.io.PrintStream err = new java.io.PrintStream(screen, true, StandardCharsets.UTF_8);
    int code =
        AdminMain.run(
            new String[] {"policy", "get"},
            env,
            out,
            err,
            java.time.Clock.systemUTC(),
            CommandRegistry.standard());
    out.flush();
    assertEquals(0, code);
    assertEquals("{\n  \"acls\": []\n}\n# version 3\n", screen.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRefusedFileListsEveryProblemWithItsPlace() throws Exception {
    Path file = dir.resolve("bad.hujson");
    Files.writeString(file, "{}");
    server.answer("/api/v1/policy/validate", 422, REFUSED);
    Run validate = Run.of(env, "policy", "validate", file.toString());
    assertEquals(1, validate.code());
    assertTrue(
        validate.err().contains(file + ":4:7: POLICY_TESTS_FAILED alice@example.com should reach"),
        validate.err());
    assertTrue(validate.err().contains("(POLICY_TESTS_FAILED)"), validate.err());
  }

  @Test
  void validatePrintsValid() throws Exception {
    Path file = dir.resolve("ok.hujson");
    Files.writeString(file, "{}");
    server.answer("/api/v1/policy/validate", 200, "{\"valid\":true,\"problems\":[]}");
    Run validate = Run.of(env, "policy", "validate", file.toString());
    assertEquals(0, validate.code(), validate.err());
    assertEquals(file + ": valid\n", validate.out());
  }

  @Test
  void testRunsThePolicysTestsAndCountsThem() throws Exception {
    Path file = dir.resolve("tested.hujson");
    Files.writeString(file, "{}");
    server.answer("/api/v1/policy/validate", 200, "{\"valid\":true,\"problems\":[],\"tests\":3}");
    Run ok = Run.of(env, "policy", "test", file.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(file + ": 3 tests passed\n", ok.out());
    server.answer("/api/v1/policy/validate", 422, REFUSED);
    Run failing = Run.of(env, "policy", "test", file.toString());
    assertEquals(1, failing.code());
    assertTrue(failing.err().contains("POLICY_TESTS_FAILED"), failing.err());
  }

  @Test
  void badFilesAndVersionsAreUsageErrorsThatSendNothing() throws Exception {
    int before = server.requests.size();
    Run missing = Run.of(env, "policy", "set", dir.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Path binary = dir.resolve("bin");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    Run notText = Run.of(env, "policy", "validate", binary.toString());
    assertEquals(2, notText.code());
    assertTrue(notText.err().contains("not UTF-8"), notText.err());
    Path ok = dir.resolve("ok");
    Files.writeString(ok, "{}");
    assertEquals(2, Run.of(env, "policy", "set", ok.toString(), "--if-match", "v3").code());
    assertEquals(before, server.requests.size());
  }

  @Test
  void theApiDocDescribesThePolicyRequests() throws Exception {
    JsonNode paths =
        new ObjectMapper(new YAMLFactory())
            .readTree(Path.of("../../docs/admin-api.yaml").toFile())
            .path("paths");
    assertTrue(paths.path("/api/v1/policy").has("get"));
    assertTrue(paths.path("/api/v1/policy").has("post"));
    assertTrue(paths.path("/api/v1/policy/validate").has("post"));
  }
}
