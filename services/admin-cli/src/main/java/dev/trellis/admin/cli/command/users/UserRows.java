package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.util.List;

/**
 * The table of users: {@code ID EMAIL ROLE LOGIN CREATED}.
 *
 * <p>Immutable, so safe to share between threads.
 */
final class UserRows {
  /** The format. */
  static final RowFormat FORMAT =
      new RowFormat(List.of("ID", "EMAIL", "ROLE", "LOGIN", "CREATED"), UserRows::cells);

  private UserRows() {}

  private static String[] cells(JsonNode user) throws ResponseException {
    JsonNode u = ResponseFields.object(user, "user");
    String created = ResponseFields.optionalText(u, "createdAt");
    return new String[] {
      ResponseFields.text(u, "id"),
      ResponseFields.text(u, "email"),
      ResponseFields.text(u, "role"),
      ResponseFields.optionalText(u, "loginMethod"),
      created == null ? null : Cells.utcSeconds(created)
    };
  }
}
