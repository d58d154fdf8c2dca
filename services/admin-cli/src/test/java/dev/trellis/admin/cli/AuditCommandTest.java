package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditCommandTest {
  static final String CREATED =
      "{\"time\":\"2026-11-24T10:15:30.987Z\",\"tailnet\":\"tn-1\","
          + "\"type\":\"trellis.event.v1.TailnetCreated\",\"subject\":\"tailnet/tn-1\","
          + "\"actor\":{\"kind\":\"USER\",\"id\":\"u-1\",\"display\":\"alice@example.com\"},"
          + "\"eventId\":\"e-1\",\"topic\":\"trellis.identity\",\"partition\":0,\"offset\":0,"
          + "\"payload\":{\"name\":\"acme\"}}";
  static final String REGISTERED =
      "{\"time\":\"2026-11-24T11:15:30+01:00\",\"tailnet\":\"tn-1\","
          + "\"type\":\"trellis.event.v1.NodeRegistered\",\"subject\":\"node/n-42\","
          + "\"actor\":{\"kind\":\"SYSTEM\",\"id\":\"\"},"
          + "\"eventId\":\"e-2\",\"topic\":\"trellis.keys\",\"partition\":0,\"offset\":1,"
          + "\"payload\":{}}";
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

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

  private void answerLines(String... lines) {
    server.answer("/api/v1/audit", 200, String.join("\n", lines) + "\n");
  }

  @Test
  void sendsTheFiltersAsQueryAndPrintsOneLinePerEvent() {
    answerLines(CREATED, REGISTERED);

    Run run =
        Run.of(
            env,
            Clock.fixed(NOW, ZoneOffset.UTC),
            "audit",
            "--tailnet",
            "tn 1",
            "--since",
            "2026-11-24T09:00:00Z",
            "--type",
            "NodeRegistered",
            "--actor",
            "u-1");

    assertEquals(0, run.code(), run.err());
    ContractServer.Request req = server.last();
    assertEquals("GET", req.method());
    assertEquals("/api/v1/audit", req.path());
    assertEquals(
        "tailnet=tn%201&since=2026-11-24T09%3A00%3A00Z&type=trellis.event.v1.NodeRegistered"
            + "&actor=u-1&follow=false",
        req.query());
    assertEquals("Bearer tok", req.header("Authorization"));
    assertEquals(
        """
        TIME                  ACTOR              TYPE            SUBJECT
        2026-11-24T10:15:30Z  alice@example.com  TailnetCreated  tailnet/tn-1
        2026-11-24T10:15:30Z  system             NodeRegistered  node/n-42
        """,
        run.out());
    assertEquals("", run.err());
  }

  @Test
  void withoutTailnetItAsksForTheTokensOwnAndNamesActorsAsPeople() {
    String byToken =
        CREATED.replace(
            "\"kind\":\"USER\",\"id\":\"u-1\",\"display\":\"alice@example.com\"",
            "\"kind\":\"API_TOKEN\",\"id\":\"t-7\",\"display\":\"trellis-api-t7\"");
    String bySession =
        REGISTERED.replace(
            "\"kind\":\"SYSTEM\",\"id\":\"\"",
            "\"kind\":\"USER\",\"id\":\"u-2\",\"display\":\"u-2\"");
    answerLines(byToken, bySession);
    server.answer(
        "/api/v1/users",
        200,
        "{\"users\":[{\"id\":\"u-1\",\"email\":\"alice@example.com\"},"
            + "{\"id\":\"u-2\",\"email\":\"bob@example.com\"}]}");
    server.answer(
        "/api/v1/tokens",
        200,
        "{\"tokens\":[{\"id\":\"t-7\",\"prefix\":\"trellis-api-t7\",\"ownerUserId\":\"u-1\","
            + "\"description\":\"ci deploy\"}]}");

    Run run = Run.of(env, "audit");

    assertEquals(0, run.code(), run.err());
    ContractServer.Request req = server.last();
    assertEquals("/api/v1/audit", req.path());
    assertEquals("follow=false", req.query());
    assertEquals(
        """
        TIME                  ACTOR                                     TYPE            SUBJECT
        2026-11-24T10:15:30Z  "ci deploy" (token of alice@example.com)  TailnetCreated  tailnet/tn-1
        2026-11-24T10:15:30Z  bob@example.com                           NodeRegistered  node/n-42
        """,
        run.out());
  }

  @Test
  void relativeSinceMeansThatLongAgo() {
    answerLines(CREATED);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    for (String[] c :
        new String[][] {
          {"1h", "2026-11-24T11:00:00Z"},
          {"30m", "2026-11-24T11:30:00Z"},
          {"7d", "2026-11-17T12:00:00Z"},
          {"2026-11-20", "2026-11-20T00:00:00Z"},
        }) {
      Run run = Run.of(env, clock, "audit", "--tailnet", "tn-1", "--since", c[0]);
      assertEquals(0, run.code(), run.err());
      String since = c[1].replace(":", "%3A");
      assertEquals("tailnet=tn-1&since=" + since + "&follow=false", server.last().query(), c[0]);
    }
  }

  @Test
  void followAndFullTypeNamesPassThrough() {
    answerLines(CREATED);

    Run run =
        Run.of(
            env,
            "audit",
            "--tailnet=tn-1",
            "--follow",
            "--type",
            "trellis.event.v1.TailnetCreated");

    assertEquals(0, run.code(), run.err());
    assertEquals(
        "tailnet=tn-1&type=trellis.event.v1.TailnetCreated&follow=true", server.last().query());
  }

  @Test
  void jsonPrintsEachLineAsReceived() {
    answerLines(CREATED, "", REGISTERED);

    Run run = Run.of(env, "audit", "--tailnet", "tn-1", "--json");

    assertEquals(0, run.code(), run.err());
    assertEquals(CREATED + "\n" + REGISTERED + "\n", run.out());
  }

  @Test
  void malformedEventsAreSkippedCountedAndReported() {
    answerLines(CREATED, "{not json", "[1,2]", "{\"time\":\"x\"}", REGISTERED);

    Run run = Run.of(env, "audit", "--tailnet", "tn-1");

    assertEquals(0, run.code(), run.err());
    assertEquals(3, run.out().lines().count(), run.out());
    assertTrue(run.err().contains("(line 2)"), run.err());
    assertTrue(run.err().contains("(line 4)"), run.err());
    assertTrue(
        run.err().endsWith("trellis-admin: skipped 3 malformed audit event(s)\n"), run.err());
  }

  @Test
  void aRefusalShowsWhoWasRefusedAndWhyAndTheKeepAliveLinesAreSkipped() {
    String refused =
        "{\"time\":\"2026-11-24T10:20:00Z\",\"tailnet\":\"-\","
            + "\"type\":\"trellis.event.v1.AccessRefused\","
            + "\"subject\":\"access refused: TOKEN_INVALID GET /api/v1/tailnets (3 times)\","
            + "\"actor\":{\"kind\":\"ANONYMOUS\",\"id\":\"source:127.0.0.1\"},"
            + "\"payload\":{\"reason_code\":\"TOKEN_INVALID\",\"count\":3}}";
    answerLines("", refused, "");

    Run run = Run.of(env, "audit", "--tailnet", "-", "--type", "AccessRefused");

    assertEquals(0, run.code(), run.err());
    assertEquals(
        "tailnet=-&type=trellis.event.v1.AccessRefused&follow=false", server.last().query());
    assertEquals(
        """
        TIME                  ACTOR             TYPE           SUBJECT
        2026-11-24T10:20:00Z  source:127.0.0.1  AccessRefused  access refused: TOKEN_INVALID \
        GET /api/v1/tailnets (3 times)
        """,
        run.out());
    assertEquals("", run.err());
  }

  @Test
  void noEventsSaysSo() {
    server.answer("/api/v1/audit", 200, "");

    Run run = Run.of(env, "audit", "--tailnet", "tn-1");

    assertEquals(0, run.code(), run.err());
    assertEquals("no audit events\n", run.out());
  }

  @Test
  void anErrorBeforeTheStreamIsPrintedWithItsCode() {
    server.answer(
        "/api/v1/audit",
        404,
        "{\"error\":{\"code\":\"TAILNET_NOT_FOUND\",\"message\":\"no tailnet tn-9\"}}");

    Run run = Run.of(env, "audit", "--tailnet", "tn-9");

    assertEquals(1, run.code());
    assertEquals("trellis-admin: no tailnet tn-9 (TAILNET_NOT_FOUND)\n", run.err());
  }

  /**
   * The server sends the first event, then holds the stream open until the CLI has printed that
   * event; only then does it send the second one and end. A CLI that buffered the stream would
   * never print the first event in time and the server would give up waiting.
   */
  @Test
  void printsEachEventBeforeTheNextIsSent() throws Exception {
    CountDownLatch firstPrinted = new CountDownLatch(1);
    AtomicBoolean sawFirstInTime = new AtomicBoolean();
    AtomicBoolean lastSent = new AtomicBoolean();
    server.on(
        "/api/v1/audit",
        ex -> {
          ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
          ex.sendResponseHeaders(200, 0); // chunked
          OutputStream body = ex.getResponseBody();
          body.write((CREATED + "\n").getBytes(StandardCharsets.UTF_8));
          body.flush();
          sawFirstInTime.set(firstPrinted.await(5, TimeUnit.SECONDS));
          Thread.sleep(100);
          lastSent.set(true);
          body.write((REGISTERED + "\n").getBytes(StandardCharsets.UTF_8));
          body.close();
        });
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    AtomicBoolean lastSentWhenFirstPrinted = new AtomicBoolean(true);
    OutputStream watching =
        new OutputStream() {
          @Override
          public synchronized void write(int b) {
            captured.write(b);
            check();
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            captured.write(b, off, len);
            check();
          }

          private void check() {
            if (firstPrinted.getCount() > 0
                && captured.toString(StandardCharsets.UTF_8).contains("TailnetCreated")) {
              lastSentWhenFirstPrinted.set(lastSent.get());
              firstPrinted.countDown();
            }
          }
        };
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                AdminMain.run(
                    new String[] {"audit", "--tailnet", "tn-1", "--follow"},
                    env,
                    new PrintStream(watching, false, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    Clock.systemUTC(),
                    CommandRegistry.standard()));

    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(sawFirstInTime.get(), "the first event was not printed while the stream was open");
    assertTrue(
        !lastSentWhenFirstPrinted.get(), "the first event was printed after the last was sent");
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("TailnetCreated") && out.contains("NodeRegistered"), out);
  }

  @Test
  void aStreamThatBreaksIsReportedAfterTheEventsSoFar() {
    server.on(
        "/api/v1/audit",
        ex -> {
          ex.sendResponseHeaders(200, 0);
          OutputStream body = ex.getResponseBody();
          body.write((CREATED + "\n").getBytes(StandardCharsets.UTF_8));
          body.flush();
          // End the exchange abruptly: the chunked body never gets its final chunk.
          ex.getHttpContext().getServer().stop(0);
        });

    Run run = Run.of(env, "audit", "--tailnet", "tn-1", "--follow");

    assertTrue(run.out().contains("TailnetCreated"), run.out());
    assertEquals(1, run.code(), run.err());
    assertTrue(
        run.err().startsWith("trellis-admin: lost the connection to the server at "), run.err());
  }
}
