package dev.trellis.admin.cli.command.audit;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.args.ParsedArgs;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.People;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.LineReader;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.output.Table;
import dev.trellis.admin.cli.time.Since;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * {@code audit [--tailnet T] [--since TIME] [--type TYPE] [--actor WHO] [--follow]}: a tailnet's
 * audit events (GET /api/v1/audit, NDJSON; the token's tailnet by default), actors named as people
 * read them ({@link People}: users by email, tokens by description). Without {@code --follow} the
 * events print as one aligned table once the history has arrived; with it each prints the moment it
 * arrives (fixed column widths) until the command is interrupted or the server ends the stream.
 * With {@code --json} each line prints exactly as received. Malformed events are skipped, reported
 * on stderr and counted.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class Audit implements Command {
  @Override
  public List<String> path() {
    return List.of("audit");
  }

  @Override
  public String arguments() {
    return "[--tailnet T] [--since TIME] [--type TYPE] [--actor WHO] [--follow] [--json]";
  }

  @Override
  public String summary() {
    return "show a tailnet's audit log (a replay of its events)";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued(
            "tailnet",
            "T",
            "the tailnet name or id (default: the token's); - for refusals naming no tailnet"),
        Option.valued("since", "TIME", "from an instant, a date (2026-11-24) or ago (30m, 1h, 7d)"),
        Option.valued("type", "TYPE", "only events of this type (NodeRegistered or full name)"),
        Option.valued("actor", "WHO", "only events caused by this actor id"),
        Option.flag("follow", "keep streaming new events as they happen"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    ParsedArgs a = inv.args();
    a.positionals();
    String tailnet = a.value("tailnet").orElse(null);
    if (tailnet != null && tailnet.isBlank()) {
      throw new UsageException("--tailnet must not be blank");
    }
    Since since = new Since(inv.clock());
    QueryString query =
        new QueryString()
            .addIfPresent("tailnet", tailnet)
            .addIfPresent("since", a.value("since").isPresent() ? iso(since, a) : null)
            .addIfPresent("type", a.value("type").map(AuditLine::fullType).orElse(null))
            .addIfPresent("actor", a.value("actor").orElse(null))
            .add("follow", Boolean.toString(a.has("follow")));
    People people = inv.json() ? People.none() : People.load(inv, tailnet, true);
    Printer printer = new Printer(inv.out(), inv.err(), inv.json(), a.has("follow"), people);
    inv.client().stream("/api/v1/audit" + query, printer::print);
    printer.finish();
    return 0;
  }

  private static String iso(Since since, ParsedArgs a) throws UsageException {
    return since.parse(a.value("since").orElseThrow()).toString();
  }

  /** Prints events as they arrive and counts the ones it skips. Used by one thread. */
  private static final class Printer {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final boolean follow;
    private final People people;
    private final Table table = new Table("TIME", "ACTOR", "TYPE", "SUBJECT");
    private long lineNo;
    private long printed;
    private long skipped;

    Printer(PrintStream out, PrintStream err, boolean json, boolean follow, People people) {
      this.out = out;
      this.err = err;
      this.json = json;
      this.follow = follow;
      this.people = people;
    }

    void print(String line) {
      lineNo++;
      if (line != LineReader.OVERSIZED && line.isBlank()) {
        return; // keep-alive
      }
      Optional<List<String>> cells =
          line == LineReader.OVERSIZED
              ? Optional.empty()
              : json ? Optional.of(List.of(line)) : AuditLine.cells(line, people);
      if (cells.isEmpty()) {
        skipped++;
        err.println(
            "trellis-admin: skipped a malformed audit event (line "
                + lineNo
                + (line == LineReader.OVERSIZED ? ", too long" : "")
                + ")");
        err.flush();
        return;
      }
      printed++;
      if (json) {
        out.println(line);
      } else if (follow) {
        if (printed == 1) {
          out.println(AuditLine.header());
        }
        out.println(AuditLine.line(cells.get()));
      } else {
        table.row(cells.get().toArray(String[]::new));
      }
      out.flush();
    }

    void finish() {
      if (printed == 0 && !json) {
        out.println("no audit events");
      } else if (!json && !follow) {
        table.print(out);
      }
      if (skipped > 0) {
        err.println("trellis-admin: skipped " + skipped + " malformed audit event(s)");
      }
      out.flush();
      err.flush();
    }
  }
}
