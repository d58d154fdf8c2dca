package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.admin.cli.output.Table;

/**
 * The table of users: {@code ID EMAIL ROLE LOGIN CREATED}.
 *
 * <p>Not thread-safe: build and print it on one thread.
 */
final class UserTable {
  private final Table table = new Table("ID", "EMAIL", "ROLE", "LOGIN", "CREATED");

  UserTable add(JsonNode user) throws ResponseException {
    JsonNode u = ResponseFields.object(user, "user");
    String created = ResponseFields.optionalText(u, "createdAt");
    table.row(
        ResponseFields.text(u, "id"),
        ResponseFields.text(u, "email"),
        ResponseFields.text(u, "role"),
        ResponseFields.optionalText(u, "loginMethod"),
        created == null ? null : Cells.utcSeconds(created));
    return this;
  }

  Table table() {
    return table;
  }
}
