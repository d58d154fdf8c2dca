package dev.trellis.admin.cli.command.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code replay --verify}: asks the server to rebuild every projection from the event log and
 * compare it with the live state (POST /api/v1/admin/replay/verify), prints each projection as
 * {@code name: N entries, equal} or with its differences, and exits {@value #EXIT_DIFFERENT} when
 * anything differs.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class ReplayVerify implements Command {
  /** Exit code when a rebuilt projection differs from the live one. */
  public static final int EXIT_DIFFERENT = 3;

  @Override
  public List<String> path() {
    return List.of("replay");
  }

  @Override
  public String arguments() {
    return "--verify [--json]";
  }

  @Override
  public String summary() {
    return "rebuild the projections from the log and compare them with the live state";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.flag("verify", "compare rebuilt projections with the live ones"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    if (!inv.args().has("verify")) {
      throw new UsageException("replay needs --verify (the only mode so far)");
    }
    String answer = inv.client().post("/api/v1/admin/replay/verify", null);
    JsonNode root = ResponseFields.object(AdminClient.parse(answer), "replay result");
    boolean equal = ResponseFields.bool(root, "equal");
    JsonNode projections = ResponseFields.array(root, "projections");
    int differing = 0;
    StringBuilder text = new StringBuilder();
    for (JsonNode p : projections) {
      differing += describe(ResponseFields.object(p, "projection"), text) ? 0 : 1;
    }
    boolean allEqual = equal && differing == 0;
    PrintStream out = inv.out();
    if (inv.json()) {
      out.println(answer.strip());
    } else {
      out.print(text);
      out.println(
          allEqual
              ? "replay verified: all " + projections.size() + " projections equal"
              : "replay found differences in "
                  + Math.max(differing, 1)
                  + " of "
                  + projections.size()
                  + " projections");
    }
    out.flush();
    return allEqual ? 0 : EXIT_DIFFERENT;
  }

  /** Appends one projection's lines; true when it has no differences. */
  private static boolean describe(JsonNode p, StringBuilder text) throws AdminCliException {
    String name = Cells.printable(ResponseFields.text(p, "name"));
    long entries = ResponseFields.number(p, "entries");
    JsonNode diffs = p.path("differences");
    if (!diffs.isArray() || diffs.isEmpty()) {
      text.append(name).append(": ").append(entries).append(" entries, equal\n");
      return true;
    }
    text.append(name)
        .append(": ")
        .append(entries)
        .append(" entries, ")
        .append(diffs.size())
        .append(diffs.size() == 1 ? " difference\n" : " differences\n");
    for (JsonNode d : diffs) {
      text.append("  map=")
          .append(value(d.path("map")))
          .append(" key=")
          .append(value(d.path("key")))
          .append(" live=")
          .append(value(d.path("live")))
          .append(" rebuilt=")
          .append(value(d.path("rebuilt")))
          .append('\n');
    }
    return false;
  }

  /**
   * A difference's value: text as is, absent or null as {@code (absent)}, anything else as JSON.
   */
  private static String value(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return "(absent)";
    }
    return Cells.printable(v.isTextual() ? v.asText() : v.toString());
  }
}
