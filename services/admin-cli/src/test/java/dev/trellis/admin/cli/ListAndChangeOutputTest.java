package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact output (exit code, standard output, standard error) of every list, create and change
 * command that prints a table or a secret, with and without {@code --json}, and for answers that
 * are not what the command expects: pinned so that sharing their code changes none of it.
 */
class ListAndChangeOutputTest {
  private static final String TAILNET =
      "{\"id\":\"tn1\",\"name\":\"acme\",\"createdAt\":\"2026-11-24T10:15:30.5Z\"}";
  private static final String ODD_TAILNET =
      "{\"id\":\"tn2\",\"name\":\"b\\u001bc\",\"createdAt\":null}";
  private static final String USER =
      "{\"id\":\"u1\",\"email\":\"ada@example.com\",\"role\":\"admin\","
          + "\"loginMethod\":\"oidc\",\"createdAt\":\"2026-11-24T10:15:30.5Z\"}";
  private static final String TOKEN =
      "{\"id\":\"t1\",\"role\":\"member\",\"ownerUserId\":\"u1\","
          + "\"expiresAt\":\"2026-12-24T10:00:00Z\",\"revoked\":true}";
  private static final String KEY =
      "{\"id\":\"k1\",\"reusable\":false,\"ephemeral\":false,\"preapproved\":true,\"tags\":[],"
          + "\"expiresAt\":\"2026-11-25T10:00:00Z\",\"usageLimit\":0,\"useCount\":1,"
          + "\"revoked\":false}";
  private static final String NODE =
      "{\"id\":\"n1\",\"name\":\"laptop\",\"os\":\"linux\",\"userId\":\"u1\",\"tags\":[],"
          + "\"addresses\":[],\"keyExpiryDisabled\":true,\"expired\":true,\"approved\":true}";

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

  private String run(String path, int status, String answer, String... args) {
    server.answer(path, status, answer);
    Run r = Run.of(env, args);
    return "code=" + r.code() + "\n--out\n" + r.out() + "--err\n" + r.err();
  }

  @Test
  void lists() {
    String tailnets = "{\"tailnets\":[" + TAILNET + "," + ODD_TAILNET + "]}";
    assertEquals(
        """
        code=0
        --out
        ID   NAME  CREATED
        tn1  acme  2026-11-24T10:15:30Z
        tn2  b?c   -
        --err
        code=0
        --out
        {"tailnets":[{"id":"tn1","name":"acme","createdAt":"2026-11-24T10:15:30.5Z"},{"id":"tn2","name":"b\\u001bc","createdAt":null}]}
        --err
        code=0
        --out
        ID  EMAIL            ROLE   LOGIN  CREATED
        u1  ada@example.com  admin  oidc   2026-11-24T10:15:30Z
        --err
        code=0
        --out
        ID  ROLE    OWNER  EXPIRES               REVOKED
        t1  member  u1     2026-12-24T10:00:00Z  yes
        --err
        code=0
        --out
        ID  KIND                 TAGS  USES  EXPIRES               REVOKED
        k1  one-off,preapproved  -     1/∞   2026-11-25T10:00:00Z  no
        --err
        code=0
        --out
        ID  NAME    ADDRESSES  OS     OWNER            STATUS   KEY-EXPIRY
        n1  laptop  -          linux  ada@example.com  expired  disabled
        --err
        code=0
        --out
        ID  NAME  ADDRESSES  OS  OWNER  STATUS  KEY-EXPIRY
        --err
        """,
        run("/api/v1/tailnets", 200, tailnets, "tailnet", "list")
            + run("/api/v1/tailnets", 200, " " + tailnets + "\n", "--json", "tailnet", "list")
            + run("/api/v1/users", 200, "{\"users\":[" + USER + "]}", "users", "list")
            + run("/api/v1/tokens", 200, "{\"tokens\":[" + TOKEN + "]}", "tokens", "list")
            + run("/api/v1/authkeys", 200, "{\"authkeys\":[" + KEY + "]}", "authkeys", "list")
            + run("/api/v1/nodes", 200, "{\"nodes\":[" + NODE + "]}", "nodes", "list")
            + run("/api/v1/nodes", 200, "{\"nodes\":[]}", "nodes", "list"));
  }

  @Test
  void createsAndChanges() {
    assertEquals(
        """
        code=0
        --out
        ID   NAME  CREATED
        tn1  acme  2026-11-24T10:15:30Z
        --err
        code=0
        --out
        ID  EMAIL            ROLE   LOGIN  CREATED
        u1  ada@example.com  admin  oidc   2026-11-24T10:15:30Z
        --err
        code=0
        --out
        ID  EMAIL            ROLE   LOGIN  CREATED
        u1  ada@example.com  admin  oidc   2026-11-24T10:15:30Z
        --err
        code=0
        --out
        ID  ROLE    OWNER  EXPIRES               REVOKED
        t1  member  u1     2026-12-24T10:00:00Z  yes
        --err
        code=0
        --out
        ID  KIND                 TAGS  USES  EXPIRES               REVOKED
        k1  one-off,preapproved  -     1/∞   2026-11-25T10:00:00Z  no
        --err
        code=0
        --out
        ID  NAME    ADDRESSES  OS     OWNER  STATUS   KEY-EXPIRY
        n1  laptop  -          linux  u1     expired  disabled
        --err
        code=0
        --out
        {"id":"n1","name":"laptop","os":"linux","userId":"u1","tags":[],"addresses":[],"keyExpiryDisabled":true,"expired":true,"approved":true}
        --err
        code=0
        --out
        trellis-api-t1-S
        --err
        API token t1 (member): shown once, store it now.
        code=0
        --out
        trellis-auth-k1-S
        --err
        Auth key k1 expires 2026-11-25T10:00:00Z: shown once, store it now.
        code=0
        --out
        {"key":"trellis-auth-k1-S","keyInfo":{"id":"k1","reusable":false,"ephemeral":false,"preapproved":true,"tags":[],"expiresAt":"2026-11-25T10:00:00Z","usageLimit":0,"useCount":1,"revoked":false}}
        --err
        code=0
        --out
        {}
        --err
        # version 7
        """,
        run("/api/v1/tailnets", 201, TAILNET, "tailnet", "create", "acme")
            + run("/api/v1/users", 201, USER, "users", "invite", "ada@example.com")
            + run("/api/v1/users/u1/role", 200, USER, "users", "set-role", "u1", "admin")
            + run("/api/v1/tokens/t1/revoke", 200, TOKEN, "tokens", "revoke", "t1")
            + run("/api/v1/authkeys/k1/revoke", 200, KEY, "authkeys", "revoke", "k1")
            + run("/api/v1/nodes/n1/approve", 200, NODE, "nodes", "approve", "n1")
            + run("/api/v1/nodes/n1/approve", 200, NODE, "--json", "nodes", "approve", "n1")
            + run(
                "/api/v1/tokens",
                201,
                "{\"token\":\"trellis-api-t1-S\",\"tokenInfo\":" + TOKEN + "}",
                "tokens",
                "create")
            + run(
                "/api/v1/authkeys",
                201,
                "{\"key\":\"trellis-auth-k1-S\",\"keyInfo\":" + KEY + "}",
                "authkeys",
                "create")
            + run(
                "/api/v1/authkeys",
                201,
                "{\"key\":\"trellis-auth-k1-S\",\"keyInfo\":" + KEY + "}",
                "--json",
                "authkeys",
                "create")
            + run(
                "/api/v1/policy",
                200,
                "{\"text\":\"{}\\n\",\"version\":7}",
                "policy",
                "get",
                "--tailnet",
                "acme"));
  }

  @Test
  void answersThatAreNotWhatTheCommandExpects() {
    assertEquals(
        """
        code=1
        --out
        --err
        trellis-admin: the server's answer has no tokens list object
        code=1
        --out
        --err
        trellis-admin: the server's answer has no 'tokens' array
        code=1
        --out
        --err
        trellis-admin: the server's answer has no token object
        code=1
        --out
        --err
        trellis-admin: the server's answer has no 'email' text
        code=1
        --out
        --err
        trellis-admin: the server's answer has no tailnet object
        code=1
        --out
        --err
        trellis-admin: the server's answer has no tokenInfo object
        code=1
        --out
        --err
        trellis-admin: the server's answer has no 'key' text
        code=1
        --out
        --err
        trellis-admin: the server sent malformed JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
        """,
        run("/api/v1/tokens", 200, "[]", "tokens", "list")
            + run("/api/v1/tokens", 200, "{\"tokens\":5}", "tokens", "list")
            + run("/api/v1/tokens", 200, "{\"tokens\":[7]}", "tokens", "list")
            + run("/api/v1/users", 200, "{\"users\":[{\"id\":\"u1\"}]}", "users", "list")
            + run("/api/v1/tailnets", 201, "\"acme\"", "tailnet", "create", "acme")
            + run("/api/v1/tokens", 201, "{\"token\":\"x\"}", "tokens", "create")
            + run("/api/v1/authkeys", 201, "{\"keyInfo\":{}}", "authkeys", "create")
            + run("/api/v1/nodes", 200, "not json", "nodes", "list"));
  }
}
