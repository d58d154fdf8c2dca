package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenTest {
  private static final String LIST = "{\"tailnets\":[]}";
  private ContractServer server;
  @TempDir Path stateDir;

  @BeforeEach
  void start() throws Exception {
    server = new ContractServer().answer("/api/v1/tailnets", 200, LIST);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("TRELLIS_SERVER", server.url());
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private String bearerOf(Run run) {
    assertEquals(0, run.code(), run.err());
    return server.last().header("Authorization");
  }

  @Test
  void theFlagWinsOverTheEnvironment() {
    Run run = Run.of(env("TRELLIS_TOKEN", "from-env"), "--token", "from-flag", "tailnet", "list");
    assertEquals("Bearer from-flag", bearerOf(run));
  }

  @Test
  void theEnvironmentIsUsedWithoutAFlag() {
    assertEquals(
        "Bearer from-env", bearerOf(Run.of(env("TRELLIS_TOKEN", "from-env"), "tailnet", "list")));
  }

  @Test
  void theEnvironmentWinsOverTheStateDir() throws Exception {
    Files.writeString(stateDir.resolve("admin-token"), "from-file\n");
    Run run =
        Run.of(
            env("TRELLIS_TOKEN", "from-env"),
            "--state-dir",
            stateDir.toString(),
            "tailnet",
            "list");
    assertEquals("Bearer from-env", bearerOf(run));
  }

  @Test
  void theStateDirFlagReadsAdminToken() throws Exception {
    Files.writeString(stateDir.resolve("admin-token"), "  from-file\n");
    Run run = Run.of(env(), "tailnet", "list", "--state-dir", stateDir.toString());
    assertEquals("Bearer from-file", bearerOf(run));
  }

  @Test
  void theStateDirEnvironmentReadsAdminToken() throws Exception {
    Files.writeString(stateDir.resolve("admin-token"), "file-env");
    Run run = Run.of(env("TRELLIS_STATE_DIR", stateDir.toString()), "tailnet", "list");
    assertEquals("Bearer file-env", bearerOf(run));
  }

  @Test
  void aStateDirWithoutTheFileIsAClearFailure() {
    Run run = Run.of(env(), "--state-dir", stateDir.toString(), "tailnet", "list");
    assertEquals(1, run.code());
    assertEquals(
        "trellis-admin: cannot read the admin token: "
            + stateDir.resolve("admin-token")
            + " does not exist\n",
        run.err());
    assertTrue(server.requests.isEmpty());
  }

  @Test
  void noTokenAnywhereIsAUsageErrorBeforeAnyRequest() {
    Run run = Run.of(env(), "tailnet", "list");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: no admin token: pass --token"), run.err());
    assertTrue(server.requests.isEmpty());
  }

  @Test
  void aTokenThatCannotBeAHeaderIsRejectedWithoutEchoingIt() {
    Run run = Run.of(env(), "--token", "secret\r\nX-Evil: 1", "tailnet", "list");
    assertEquals(1, run.code());
    assertFalse(run.err().contains("secret"), run.err());
    assertTrue(server.requests.isEmpty());
  }

  @Test
  void theTokenNeverAppearsInAnyOutput() {
    server.answer(
        "/api/v1/tailnets",
        401,
        "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"the token is not valid\"}}");
    String token = "tok-very-secret-9f8e7d";
    for (String[] args :
        new String[][] {
          {"--token", token, "tailnet", "list"},
          {"--token", token, "--json", "tailnet", "list"},
          {"--token", token, "tailnet", "list", "--bogus"},
          {"--token", token, "tailnet", "--help"},
          {"--token", token, "--server", "http://127.0.0.1:1", "tailnet", "list"},
        }) {
      Run run = Run.of(env(), args);
      assertFalse(run.out().contains(token), run.out());
      assertFalse(run.err().contains(token), run.err());
    }
    assertEquals(
        "trellis-admin: the token is not valid (UNAUTHENTICATED)\n",
        Run.of(env(), "--token", token, "tailnet", "list").err());
  }
}
