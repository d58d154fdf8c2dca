package dev.trellis.admin.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Table;

/**
 * What the list, create and change commands share: the {@code --tailnet} query, the request of a
 * list, and printing the server's answer — as it came (stripped) with {@code --json}, else as a
 * table in a {@link RowFormat} or however the command shows it.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class Answers {
  /** Shows an answer to a human (without {@code --json}). */
  @FunctionalInterface
  public interface Human {
    void show(String answer) throws AdminCliException;
  }

  /** What a {@link #secret} command says about the secret it printed. */
  @FunctionalInterface
  public interface Note {
    String about(JsonNode info) throws ResponseException;
  }

  private Answers() {}

  /** {@code ?tailnet=T} when {@code --tailnet T} was given, else empty. */
  public static String tailnetQuery(Invocation inv) {
    return new QueryString()
        .addIfPresent("tailnet", inv.args().value("tailnet").orElse(null))
        .toString();
  }

  /**
   * {@code list} commands: GETs {@code path} (with the {@code --tailnet} query) and prints the
   * answer's array {@code field} as a table of {@code format}; {@code command} names the command in
   * an error about the answer.
   */
  public static int list(
      Invocation inv, String path, String command, String field, RowFormat format)
      throws AdminCliException, InterruptedException {
    inv.args().positionals();
    String answer = inv.client().get(path + tailnetQuery(inv));
    return print(
        inv,
        answer,
        a -> {
          JsonNode root = ResponseFields.object(AdminClient.parse(a), command);
          Table table = format.table();
          for (JsonNode o : ResponseFields.array(root, field)) {
            table.row(format.cells().of(o));
          }
          table.print(inv.out());
        });
  }

  /** Prints an answer that is one object as a one-row table of {@code format}. */
  public static int one(Invocation inv, String answer, RowFormat format) throws AdminCliException {
    return print(
        inv,
        answer,
        a -> format.table().row(format.cells().of(AdminClient.parse(a))).print(inv.out()));
  }

  /**
   * {@code create} commands whose answer holds a secret shown once: prints the secret (field {@code
   * secret}) on standard output, so it can be captured, and {@code note} about the object in field
   * {@code info} on standard error.
   */
  public static int secret(
      Invocation inv, String answer, String command, String secret, String info, Note note)
      throws AdminCliException {
    return print(
        inv,
        answer,
        a -> {
          JsonNode root = ResponseFields.object(AdminClient.parse(a), command);
          JsonNode about = ResponseFields.object(root.path(info), info);
          inv.out().println(ResponseFields.text(root, secret));
          inv.err().println(note.about(about));
        });
  }

  /** Prints {@code answer} as it came with {@code --json}, else through {@code human}. */
  public static int print(Invocation inv, String answer, Human human) throws AdminCliException {
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      human.show(answer);
    }
    inv.out().flush();
    return 0;
  }
}
