package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class UsageTest {
  private static final Map<String, String> ENV =
      Map.of("TRELLIS_SERVER", "http://127.0.0.1:9", "TRELLIS_TOKEN", "t");

  @Test
  void noCommandIsAUsageError() {
    Run run = Run.of(ENV);
    assertEquals(2, run.code());
    assertEquals(
        "trellis-admin: missing command\nrun 'trellis-admin --help' for the commands\n", run.err());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Run run = Run.of(ENV, "nodez", "list");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: unknown command 'nodez'\n"), run.err());
  }

  @Test
  void anUnknownSubcommandListsTheGroup() {
    Run run = Run.of(ENV, "tailnet", "delete", "x");
    assertEquals(2, run.code());
    assertEquals(
        """
        trellis-admin: unknown command 'tailnet delete'
        usage: trellis-admin tailnet create NAME
        usage: trellis-admin tailnet list
        usage: trellis-admin tailnet set NAME [--device-approval on|off] [--key-expiry 180d] \
        [--password-login on|off] [--sso github|google|microsoft|oidc --client-id ID \
        [--client-secret-file PATH] [--sso-tenant T] [--sso-orgs a,b] [--sso-teams org/team] \
        [--sso-issuer URL] [--sso-scopes a,b] [--sso-domains d1,d2] [--sso-groups g1,g2]]
        """,
        run.err());
  }

  @Test
  void anUnknownFlagShowsTheCommandsUsage() {
    Run run = Run.of(ENV, "tailnet", "list", "--all");
    assertEquals(2, run.code());
    assertEquals(
        "trellis-admin: unknown flag --all\nusage: trellis-admin tailnet list\n", run.err());
  }

  @Test
  void anUnknownGlobalFlagShowsTheGlobalUsage() {
    Run run = Run.of(ENV, "--verbose", "tailnet", "list");
    assertEquals(2, run.code());
    assertEquals(
        "trellis-admin: unknown flag --verbose\nusage: trellis-admin [GLOBAL OPTIONS] COMMAND [ARGS]\n",
        run.err());
  }

  @Test
  void aMissingArgumentShowsTheUsage() {
    Run run = Run.of(ENV, "tailnet", "create");
    assertEquals(2, run.code());
    assertEquals(
        "trellis-admin: missing argument NAME\nusage: trellis-admin tailnet create NAME\n",
        run.err());
  }

  @Test
  void anExtraArgumentIsAUsageError() {
    Run run = Run.of(ENV, "tailnet", "create", "a", "b");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: unexpected argument 'b'\n"), run.err());
  }

  @Test
  void anOptionWithoutItsValueIsAUsageError() {
    Run run = Run.of(ENV, "audit", "--tailnet");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: --tailnet needs a value T\n"), run.err());
  }

  @Test
  void replayWithoutVerifyIsAUsageError() {
    Run run = Run.of(ENV, "replay");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: replay needs --verify"), run.err());
  }

  @Test
  void aMalformedServerUrlIsAUsageError() {
    Run run = Run.of(Map.of("TRELLIS_TOKEN", "t"), "--server", "ftp://x", "tailnet", "list");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("trellis-admin: invalid --server 'ftp://x'"), run.err());
  }

  @Test
  void helpListsTheCommandsAndExitsZero() {
    Run run = Run.of(Map.of(), "--help");
    assertEquals(0, run.code());
    for (String c : new String[] {"tailnet create", "tailnet list", "audit", "replay"}) {
      assertTrue(run.out().contains("  " + c + " "), run.out());
    }
    assertEquals("", run.err());
  }

  @Test
  void commandHelpShowsItsOptions() {
    Run run = Run.of(Map.of(), "audit", "-h");
    assertEquals(0, run.code());
    assertTrue(run.out().startsWith("usage: trellis-admin audit [--tailnet T]"), run.out());
    assertTrue(run.out().contains("--follow"), run.out());
  }

  @Test
  void versionPrintsTheBuildVersion() {
    Run run = Run.of(Map.of(), "--version");
    assertEquals(0, run.code());
    assertTrue(run.out().matches("trellis-admin \\d+\\.\\d+\\.\\d+.*\n"), run.out());
  }

  @Test
  void aServerThatCannotBeReachedIsNamed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Run run = Run.of(Map.of("TRELLIS_TOKEN", "t"), "--server", url, "tailnet", "list");
    assertEquals(1, run.code());
    assertEquals(
        "trellis-admin: cannot reach the server at " + url + ": connection refused\n", run.err());
  }

  @Test
  void theDefaultServerIsLocalhost8080() throws Exception {
    ContractServer server;
    try {
      server = new ContractServer(8080);
    } catch (BindException e) {
      Assumptions.abort("127.0.0.1:8080 is in use by something else on this machine");
      return;
    }
    try (server) {
      server.answer("/api/v1/tailnets", 200, "{\"tailnets\":[]}");
      Run run = Run.of(Map.of("TRELLIS_TOKEN", "t"), "tailnet", "list");
      assertEquals(0, run.code(), run.err());
      assertEquals(1, server.requests.size());
    }
  }
}
