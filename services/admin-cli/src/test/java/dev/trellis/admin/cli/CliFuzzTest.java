package dev.trellis.admin.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz-style properties over the whole CLI: any command line and any answer from the server end in
 * an exit code and at most a few lines of message, never an uncaught exception or a stack trace.
 */
class CliFuzzTest {
  private static final Set<Integer> EXIT_CODES = Set.of(0, 1, 2, 3);
  private static final AtomicReference<Integer> status = new AtomicReference<>(200);
  private static final AtomicReference<String> body = new AtomicReference<>("{}");
  private static ContractServer server;

  @BeforeContainer
  static void start() throws Exception {
    server = new ContractServer();
    ContractServer.Handler canned = ex -> ContractServer.reply(ex, status.get(), body.get());
    server.on("/api/v1/tailnets", canned);
    server.on("/api/v1/audit", canned);
    server.on("/api/v1/admin/replay/verify", canned);
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  private static Map<String, String> env() {
    return Map.of("TRELLIS_SERVER", server.url(), "TRELLIS_TOKEN", "tok");
  }

  private static void assertClean(Run run) {
    assertTrue(EXIT_CODES.contains(run.code()), "exit " + run.code() + ": " + run.err());
    assertFalse(run.err().contains("\tat "), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Property(tries = 400)
  void anyCommandLineEndsInAnExitCode(@ForAll("commandLines") List<String> args) {
    status.set(200);
    body.set("{\"tailnets\":[],\"equal\":true,\"projections\":[]}");
    assertClean(Run.of(env(), args.toArray(String[]::new)));
  }

  @Property(tries = 400)
  void anyServerAnswerEndsInAnExitCode(
      @ForAll("commands") List<String> command,
      @ForAll("statuses") int httpStatus,
      @ForAll("bodies") String answer) {
    status.set(httpStatus);
    body.set(answer);
    Run run = Run.of(env(), command.toArray(String[]::new));
    assertClean(run);
    assertTrue(run.code() != 2, run.err());
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> word =
        Arbitraries.oneOf(
            Arbitraries.of(
                "tailnet",
                "create",
                "list",
                "audit",
                "replay",
                "--verify",
                "--tailnet",
                "tn-1",
                "--since",
                "1h",
                "7d",
                "2026-11-24",
                "--type",
                "X",
                "--actor",
                "--json",
                "--help",
                "-h",
                "--version",
                "--follow",
                "--",
                "-",
                "--server",
                "--token",
                "--state-dir",
                "/nonexistent",
                "--since=",
                "--json=1",
                "=",
                "-x",
                "nodes",
                ""),
            Arbitraries.strings().ofMaxLength(12));
    return word.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<String>> commands() {
    return Arbitraries.of(
        List.of("tailnet", "list"),
        List.of("tailnet", "create", "acme"),
        List.of("--json", "tailnet", "list"),
        List.of("audit", "--tailnet", "tn-1"),
        List.of("audit", "--tailnet", "tn-1", "--json"),
        List.of("replay", "--verify"),
        List.of("replay", "--verify", "--json"));
  }

  @Provide
  Arbitrary<Integer> statuses() {
    return Arbitraries.of(200, 201, 204, 400, 401, 404, 409, 500, 502);
  }

  @Provide
  Arbitrary<String> bodies() {
    List<String> valid =
        List.of(
            "{\"tailnets\":[{\"id\":\"a\",\"name\":\"b\",\"createdAt\":\"2026-11-24T10:00:00Z\"}]}",
            "{\"id\":\"a\",\"name\":\"b\",\"createdAt\":\"2026-11-24T10:00:00Z\"}",
            AuditCommandTest.CREATED + "\n" + AuditCommandTest.REGISTERED + "\n",
            "{\"equal\":false,\"projections\":[{\"name\":\"n\",\"entries\":1,\"differences\":"
                + "[{\"map\":\"m\",\"key\":\"k\",\"live\":1,\"rebuilt\":[2]}]}]}",
            "{\"error\":{\"code\":\"X\",\"message\":\"y\"}}");
    Arbitrary<String> mutated =
        Combinators.combine(
                Arbitraries.of(valid),
                Arbitraries.integers().between(0, 200),
                Arbitraries.chars(),
                Arbitraries.integers().between(0, 300))
            .as(
                (v, at, c, cut) -> {
                  StringBuilder b = new StringBuilder(v);
                  if (at < b.length()) {
                    b.setCharAt(at, c);
                  }
                  return b.substring(0, Math.min(cut, b.length()));
                });
    return Arbitraries.oneOf(Arbitraries.of(valid), mutated, Arbitraries.strings().ofMaxLength(60));
  }
}
