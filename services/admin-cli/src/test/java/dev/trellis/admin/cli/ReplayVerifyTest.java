package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayVerifyTest {
  private static final String PATH = "/api/v1/admin/replay/verify";
  private static final String EQUAL =
      "{\"equal\":true,\"projections\":[{\"name\":\"nodes\",\"entries\":12,\"differences\":[]},"
          + "{\"name\":\"addresses\",\"entries\":1,\"differences\":[]}]}";
  private static final String DIFFERENT =
      "{\"equal\":false,\"projections\":[{\"name\":\"nodes\",\"entries\":12,\"differences\":[]},"
          + "{\"name\":\"addresses\",\"entries\":10,\"differences\":["
          + "{\"map\":\"ipam.addresses\",\"key\":\"tn-1/100.64.0.2\",\"live\":\"n-1\","
          + "\"rebuilt\":\"n-2\"},"
          + "{\"map\":\"ipam.addresses\",\"key\":\"tn-1/100.64.0.3\",\"live\":{\"node\":\"n-3\"},"
          + "\"rebuilt\":null}]}]}";

  private ContractServer server;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    server = new ContractServer();
    env = Map.of("TRELLIS_SERVER", server.url(), "TRELLIS_TOKEN", "tok");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void equalProjectionsPrintOneLineEachAndExitZero() {
    server.answer(PATH, 200, EQUAL);

    Run run = Run.of(env, "replay", "--verify");

    assertEquals(0, run.code(), run.err());
    ContractServer.Request req = server.last();
    assertEquals("POST", req.method());
    assertEquals(PATH, req.path());
    assertEquals("", req.body());
    assertEquals("Bearer tok", req.header("Authorization"));
    assertEquals(
        """
        nodes: 12 entries, equal
        addresses: 1 entries, equal
        replay verified: all 2 projections equal
        """,
        run.out());
  }

  @Test
  void differencesArePrintedAndExitThree() {
    server.answer(PATH, 200, DIFFERENT);

    Run run = Run.of(env, "replay", "--verify");

    assertEquals(3, run.code(), run.err());
    assertEquals(
        """
        nodes: 12 entries, equal
        addresses: 10 entries, 2 differences
          map=ipam.addresses key=tn-1/100.64.0.2 live=n-1 rebuilt=n-2
          map=ipam.addresses key=tn-1/100.64.0.3 live={"node":"n-3"} rebuilt=(absent)
        replay found differences in 1 of 2 projections
        """,
        run.out());
  }

  @Test
  void notEqualWithoutListedDifferencesStillExitsThree() {
    server.answer(
        PATH, 200, "{\"equal\":false,\"projections\":[{\"name\":\"nodes\",\"entries\":3}]}");

    Run run = Run.of(env, "replay", "--verify");

    assertEquals(3, run.code(), run.err());
    assertTrue(run.out().endsWith("replay found differences in 1 of 1 projections\n"), run.out());
  }

  @Test
  void jsonPrintsTheAnswerAndKeepsTheExitCode() {
    server.answer(PATH, 200, DIFFERENT);

    Run run = Run.of(env, "--json", "replay", "--verify");

    assertEquals(3, run.code(), run.err());
    assertEquals(DIFFERENT + "\n", run.out());
  }

  @Test
  void aForbiddenAnswerIsPrintedWithItsCode() {
    server.answer(
        PATH,
        403,
        "{\"error\":{\"code\":\"FORBIDDEN\",\"message\":\"replay needs the admin role\"}}");

    Run run = Run.of(env, "replay", "--verify");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: replay needs the admin role (FORBIDDEN)\n", run.err());
  }

  @Test
  void anAnswerWithoutEqualIsAClearFailure() {
    server.answer(PATH, 200, "{\"projections\":[]}");

    Run run = Run.of(env, "replay", "--verify");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: the server's answer has no 'equal' true/false\n", run.err());
  }
}
