package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** users, tokens, authkeys and tailnet set against a server that checks the requests. */
class IdentityCommandsTest {
  private static final String USER =
      "{\"id\":\"u1\",\"tailnetId\":\"tn1\",\"email\":\"ada@example.com\",\"displayName\":\"\","
          + "\"role\":\"admin\",\"loginMethod\":\"unspecified\","
          + "\"createdAt\":\"2026-11-24T10:15:30.5Z\",\"lastLoginAt\":null}";
  private static final String KEY_INFO =
      "{\"id\":\"k1\",\"prefix\":\"trellis-auth-k1\",\"tailnetId\":\"tn1\",\"reusable\":true,"
          + "\"ephemeral\":true,\"preapproved\":false,\"tags\":[\"tag:a\",\"tag:b\"],"
          + "\"expiresAt\":\"2026-11-25T10:00:00Z\",\"usageLimit\":5,\"useCount\":2,"
          + "\"revoked\":false,\"creatorUserId\":\"u1\",\"description\":\"\","
          + "\"createdAt\":\"2026-11-24T10:00:00Z\"}";

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
  void usersListInviteSetRoleRemove() {
    server.answer("/api/v1/users", 200, "{\"users\":[" + USER + "]}");
    Run list = Run.of(env, "users", "list", "--tailnet", "acme");
    assertEquals(0, list.code(), list.err());
    assertEquals("tailnet=acme", server.last().query());
    assertEquals(
        """
        ID  EMAIL            ROLE   LOGIN        CREATED
        u1  ada@example.com  admin  unspecified  2026-11-24T10:15:30Z
        """,
        list.out());

    server.answer("/api/v1/users", 201, USER);
    Run invite = Run.of(env, "users", "invite", "ada@example.com", "--role", "admin");
    assertEquals(0, invite.code(), invite.err());
    assertEquals("{\"email\":\"ada@example.com\",\"role\":\"admin\"}", server.last().body());

    server.answer("/api/v1/users/u1/role", 200, USER);
    Run role = Run.of(env, "users", "set-role", "u1", "auditor");
    assertEquals(0, role.code(), role.err());
    assertEquals("{\"role\":\"auditor\"}", server.last().body());

    server.answer("/api/v1/users/u1/remove", 200, USER);
    Run remove = Run.of(env, "users", "remove", "u1", "--reason", "left");
    assertEquals(0, remove.code(), remove.err());
    assertEquals("{\"reason\":\"left\"}", server.last().body());

    Run traversal = Run.of(env, "users", "remove", "../tokens");
    assertEquals("/api/v1/users/..%2Ftokens/remove", server.last().path(), traversal.err());
  }

  @Test
  void authkeysCreateSendsEveryOptionAndPrintsTheKeyOnce() {
    server.answer(
        "/api/v1/authkeys",
        201,
        "{\"key\":\"trellis-auth-k1-SECRET\",\"keyInfo\":" + KEY_INFO + "}");
    Run run =
        Run.of(
            env,
            "authkeys",
            "create",
            "--tailnet",
            "acme",
            "--reusable",
            "--ephemeral",
            "--tags",
            "tag:a,tag:b",
            "--expiry",
            "24h",
            "--uses",
            "5");
    assertEquals(0, run.code(), run.err());
    assertEquals(
        "{\"tailnet\":\"acme\",\"reusable\":true,\"ephemeral\":true,\"preapproved\":false,"
            + "\"tags\":[\"tag:a\",\"tag:b\"],\"expiry\":\"24h\",\"uses\":5}",
        server.last().body());
    assertEquals("trellis-auth-k1-SECRET\n", run.out());
    assertTrue(run.err().contains("shown once"), run.err());

    Run bad = Run.of(env, "authkeys", "create", "--uses", "many");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--uses"), bad.err());

    server.answer("/api/v1/authkeys", 200, "{\"authkeys\":[" + KEY_INFO + "]}");
    Run list = Run.of(env, "authkeys", "list");
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().contains("reusable,ephemeral") && list.out().contains("2/5"), list.out());

    server.answer("/api/v1/authkeys/k1/revoke", 200, KEY_INFO);
    assertEquals(0, Run.of(env, "authkeys", "revoke", "k1").code());
    assertEquals("POST", server.last().method());
  }

  @Test
  void tokensCreateListRevoke() {
    String info =
        "{\"id\":\"t1\",\"prefix\":\"trellis-api-t1\",\"tailnetId\":\"tn1\",\"role\":\"member\","
            + "\"ownerUserId\":\"u1\",\"expiresAt\":\"2026-12-24T10:00:00Z\",\"revoked\":false}";
    server.answer(
        "/api/v1/tokens", 201, "{\"token\":\"trellis-api-t1-S\",\"tokenInfo\":" + info + "}");
    Run create = Run.of(env, "tokens", "create", "--role", "member", "--expiry", "30d");
    assertEquals(0, create.code(), create.err());
    assertEquals("{\"role\":\"member\",\"expiry\":\"30d\"}", server.last().body());
    assertEquals("trellis-api-t1-S\n", create.out());

    server.answer("/api/v1/tokens", 200, "{\"tokens\":[" + info + "]}");
    Run list = Run.of(env, "tokens", "list");
    assertTrue(list.out().contains("t1  member  u1"), list.out());

    server.answer("/api/v1/tokens/t1/revoke", 200, info);
    assertEquals(0, Run.of(env, "tokens", "revoke", "t1").code());
  }

  @Test
  void tailnetSetSendsOnlyTheGivenSettings() {
    String settings =
        "{\"tailnetId\":\"tn1\",\"name\":\"acme\",\"deviceApproval\":true,"
            + "\"nodeKeyExpiry\":\"180d\",\"passwordLogin\":false,\"oidc\":{\"issuer\":"
            + "\"https://idp.example.com\",\"clientId\":\"trellis\",\"hasClientSecret\":true,"
            + "\"scopes\":[\"openid\",\"email\"],\"allowedEmailDomains\":[],\"allowedGroups\":[\"vpn\"]}}";
    server.answer("/api/v1/tailnets/acme/settings", 200, settings);
    Run run = Run.of(env, "tailnet", "set", "acme", "--device-approval", "on");
    assertEquals(0, run.code(), run.err());
    assertEquals("{\"deviceApproval\":true}", server.last().body());
    assertEquals(
        """
        SETTING            VALUE
        tailnet            acme
        id                 tn1
        device-approval    on
        key-expiry         180d
        password-login     off
        sso-issuer         https://idp.example.com
        sso-client-id      trellis
        sso-client-secret  set
        sso-scopes         openid,email
        sso-domains        -
        sso-groups         vpn
        """,
        run.out());
    Run json = Run.of(env, "--json", "tailnet", "set", "acme", "--device-approval", "on");
    assertEquals(settings + "\n", json.out());

    Run nothing = Run.of(env, "tailnet", "set", "acme");
    assertEquals(2, nothing.code());
    Run bad = Run.of(env, "tailnet", "set", "acme", "--device-approval", "maybe");
    assertEquals(2, bad.code());
  }

  @Test
  void tailnetSetConfiguresSingleSignOnWithTheSecretFromAFile(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "s3cret\n");
    server.answer("/api/v1/tailnets/acme/settings", 200, "{}");
    Run run =
        Run.of(
            env,
            "tailnet",
            "set",
            "acme",
            "--sso-issuer",
            "https://idp.example.com",
            "--sso-client-id",
            "trellis",
            "--sso-client-secret-file",
            secret.toString(),
            "--sso-domains",
            "example.com",
            "--sso-groups",
            "vpn,ops");
    assertEquals(0, run.code(), run.err());
    String body = server.last().body();
    assertTrue(body.contains("\"issuer\":\"https://idp.example.com\""), body);
    assertTrue(body.contains("\"clientSecret\":\"s3cret\""), body);
    assertTrue(body.contains("\"allowedGroups\":[\"vpn\",\"ops\"]"), body);
    assertTrue(body.contains("\"allowedEmailDomains\":[\"example.com\"]"), body);

    Run half = Run.of(env, "tailnet", "set", "acme", "--sso-groups", "vpn");
    assertEquals(2, half.code(), half.err());
  }

  @Test
  void tailnetSetConfiguresTheSignInPresets(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "gh-secret\n");
    server.answer(
        "/api/v1/tailnets/acme/settings",
        200,
        "{\"name\":\"acme\",\"oidc\":{\"provider\":\"github\",\"issuer\":"
            + "\"https://github.com\",\"clientId\":\"Iv1.abc\",\"hasClientSecret\":true,"
            + "\"scopes\":[],\"allowedEmailDomains\":[],\"allowedGroups\":[],"
            + "\"allowedOrgs\":[\"acme\"],\"allowedTeams\":[\"acme/ops\"]}}");
    Run gh =
        Run.of(
            env,
            "tailnet",
            "set",
            "acme",
            "--sso",
            "github",
            "--client-id",
            "Iv1.abc",
            "--client-secret-file",
            secret.toString(),
            "--sso-orgs",
            "acme",
            "--sso-teams",
            "acme/ops");
    assertEquals(0, gh.code(), gh.err());
    assertEquals(
        "{\"oidc\":{\"provider\":\"github\",\"clientId\":\"Iv1.abc\","
            + "\"clientSecret\":\"gh-secret\",\"scopes\":[],\"allowedEmailDomains\":[],"
            + "\"allowedGroups\":[],\"allowedOrgs\":[\"acme\"],\"allowedTeams\":[\"acme/ops\"]}}",
        server.last().body());
    assertTrue(gh.out().contains("sso                github"), gh.out());
    assertTrue(gh.out().contains("sso-teams          acme/ops"), gh.out());

    Run ms =
        Run.of(
            env,
            "tailnet",
            "set",
            "acme",
            "--sso",
            "microsoft",
            "--client-id",
            "app-id",
            "--sso-tenant",
            "organizations");
    assertEquals(0, ms.code(), ms.err());
    String body = server.last().body();
    assertTrue(
        body.contains("\"provider\":\"microsoft\"")
            && body.contains("\"tenant\":\"organizations\""),
        body);

    // Refusals, each before any request.
    int before = server.requests.size();
    for (String[] bad :
        new String[][] {
          {"--sso", "gitlab", "--client-id", "x"},
          {"--sso", "google"},
          {"--sso", "microsoft", "--client-id", "x"},
          {"--sso", "github", "--client-id", "x"},
          {
            "--sso",
            "github",
            "--client-id",
            "x",
            "--client-secret-file",
            dir.resolve("none").toString()
          },
          {"--sso", "google", "--client-id", "x", "--sso-orgs", "acme"},
          {"--sso", "google", "--client-id", "x", "--sso-issuer", "https://evil.example"},
          {"--sso", "oidc", "--client-id", "x"},
          {"--client-id", "x", "--sso-client-id", "y", "--sso", "google"},
        }) {
      String[] argv = new String[bad.length + 3];
      argv[0] = "tailnet";
      argv[1] = "set";
      argv[2] = "acme";
      System.arraycopy(bad, 0, argv, 3, bad.length);
      Run r = Run.of(env, argv);
      assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
      assertTrue(r.err().contains("--"), r.err());
    }
    assertEquals(before, server.requests.size());
  }

  @Test
  void setPasswordReadsTheSecretFromAFileNeverFromArgv(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "correct horse battery staple\nignored second line\n");
    server.answer(
        "/api/v1/users",
        200,
        "{\"users\":[{\"id\":\"u1\",\"email\":\"ada@example.com\",\"role\":\"admin\"}]}");
    server.answer("/api/v1/users/u1/password", 204, "");
    Run byEmail =
        Run.of(env, "users", "set-password", "Ada@example.com", "--password-file", file.toString());
    assertEquals(0, byEmail.code(), byEmail.err());
    assertEquals("/api/v1/users/u1/password", server.last().path());
    assertEquals("{\"password\":\"correct horse battery staple\"}", server.last().body());
    assertEquals("password set for Ada@example.com\n", byEmail.out());

    server.answer("/api/v1/users/me/password", 204, "");
    Run own = Run.of(env, "users", "set-password", "--password-file", file.toString());
    assertEquals(0, own.code(), own.err());
    assertEquals("/api/v1/users/me/password", server.last().path());
    assertEquals("your password is set\n", own.out());

    server.answer(
        "/api/v1/users/u2/password",
        403,
        "{\"error\":{\"code\":\"FORBIDDEN\",\"message\":\"This needs the owner or admin role.\"}}");
    Run refused = Run.of(env, "users", "set-password", "u2", "--password-file", file.toString());
    assertTrue(refused.code() != 0, refused.err());
    assertTrue(refused.err().contains("FORBIDDEN"), refused.err());

    int before = server.requests.size();
    Path shortFile = dir.resolve("short");
    Files.writeString(shortFile, "short\n");
    Run tooShort = Run.of(env, "users", "set-password", "--password-file", shortFile.toString());
    assertEquals(2, tooShort.code());
    assertTrue(tooShort.err().contains("must have 12 to 1024 characters"), tooShort.err());
    Run noSuchEmail =
        Run.of(env, "users", "set-password", "zed@example.com", "--password-file", file.toString());
    assertEquals(2, noSuchEmail.code());
    assertTrue(noSuchEmail.err().contains("no user with the email zed@example.com"));
    // without a file and without a terminal (as here) it cannot prompt, and says so
    Run noTerminal = Run.of(env, "users", "set-password");
    assertEquals(2, noTerminal.code());
    assertTrue(noTerminal.err().contains("give it with --password-file FILE"), noTerminal.err());
    assertEquals(before + 1, server.requests.size(), "only the user lookup was sent");
  }
}
