package dev.trellis.admin.cli.command.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.admin.cli.output.Table;

/**
 * The table of API tokens: {@code ID ROLE OWNER EXPIRES REVOKED} (never a secret).
 *
 * <p>Not thread-safe: build and print it on one thread.
 */
final class TokenTable {
  private final Table table = new Table("ID", "ROLE", "OWNER", "EXPIRES", "REVOKED");

  TokenTable add(JsonNode token) throws ResponseException {
    JsonNode t = ResponseFields.object(token, "token");
    String expires = ResponseFields.optionalText(t, "expiresAt");
    table.row(
        ResponseFields.text(t, "id"),
        ResponseFields.text(t, "role"),
        ResponseFields.optionalText(t, "ownerUserId"),
        expires == null ? "never" : Cells.utcSeconds(expires),
        ResponseFields.bool(t, "revoked") ? "yes" : "no");
    return this;
  }

  Table table() {
    return table;
  }
}
