package dev.trellis.admin.cli.command.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.util.List;

/**
 * The table of API tokens: {@code ID ROLE OWNER EXPIRES REVOKED} (never a secret).
 *
 * <p>Immutable, so safe to share between threads.
 */
final class TokenRows {
  /** The format. */
  static final RowFormat FORMAT =
      new RowFormat(List.of("ID", "ROLE", "OWNER", "EXPIRES", "REVOKED"), TokenRows::cells);

  private TokenRows() {}

  private static String[] cells(JsonNode token) throws ResponseException {
    JsonNode t = ResponseFields.object(token, "token");
    String expires = ResponseFields.optionalText(t, "expiresAt");
    return new String[] {
      ResponseFields.text(t, "id"),
      ResponseFields.text(t, "role"),
      ResponseFields.optionalText(t, "ownerUserId"),
      expires == null ? "never" : Cells.utcSeconds(expires),
      ResponseFields.bool(t, "revoked") ? "yes" : "no"
    };
  }
}
