package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.admin.cli.output.Table;

/**
 * The table of tailnets both tailnet commands print: {@code ID NAME CREATED}, times in UTC.
 *
 * <p>Not thread-safe: build and print it on one thread.
 */
final class TailnetTable {
  private final Table table = new Table("ID", "NAME", "CREATED");

  /** Adds one tailnet object {@code {"id","name","createdAt"}}. */
  TailnetTable add(JsonNode tailnet) throws ResponseException {
    JsonNode t = ResponseFields.object(tailnet, "tailnet");
    String created = ResponseFields.optionalText(t, "createdAt");
    table.row(
        ResponseFields.text(t, "id"),
        ResponseFields.text(t, "name"),
        created == null ? null : Cells.utcSeconds(created));
    return this;
  }

  Table table() {
    return table;
  }
}
