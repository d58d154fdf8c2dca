package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.util.List;

/**
 * The table of tailnets both tailnet commands print: {@code ID NAME CREATED}, times in UTC.
 *
 * <p>Immutable, so safe to share between threads.
 */
final class TailnetRows {
  /** The format. */
  static final RowFormat FORMAT =
      new RowFormat(List.of("ID", "NAME", "CREATED"), TailnetRows::cells);

  private TailnetRows() {}

  private static String[] cells(JsonNode tailnet) throws ResponseException {
    JsonNode t = ResponseFields.object(tailnet, "tailnet");
    String created = ResponseFields.optionalText(t, "createdAt");
    return new String[] {
      ResponseFields.text(t, "id"),
      ResponseFields.text(t, "name"),
      created == null ? null : Cells.utcSeconds(created)
    };
  }
}
