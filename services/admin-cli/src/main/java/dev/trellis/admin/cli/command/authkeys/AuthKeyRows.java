package dev.trellis.admin.cli.command.authkeys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.util.List;

/**
 * The table of auth keys: {@code ID KIND TAGS USES EXPIRES REVOKED} (never a key).
 *
 * <p>Immutable, so safe to share between threads.
 */
final class AuthKeyRows {
  /** The format. */
  static final RowFormat FORMAT =
      new RowFormat(
          List.of("ID", "KIND", "TAGS", "USES", "EXPIRES", "REVOKED"), AuthKeyRows::cells);

  private AuthKeyRows() {}

  private static String[] cells(JsonNode key) throws ResponseException {
    JsonNode k = ResponseFields.object(key, "auth key");
    StringBuilder kind =
        new StringBuilder(ResponseFields.bool(k, "reusable") ? "reusable" : "one-off");
    if (ResponseFields.bool(k, "ephemeral")) {
      kind.append(",ephemeral");
    }
    if (ResponseFields.bool(k, "preapproved")) {
      kind.append(",preapproved");
    }
    StringBuilder tags = new StringBuilder();
    for (JsonNode t : ResponseFields.array(k, "tags")) {
      tags.append(tags.isEmpty() ? "" : ",").append(t.asText());
    }
    long limit = ResponseFields.number(k, "usageLimit");
    return new String[] {
      ResponseFields.text(k, "id"),
      kind.toString(),
      tags.isEmpty() ? "-" : tags.toString(),
      ResponseFields.number(k, "useCount") + "/" + (limit == 0 ? "∞" : Long.toString(limit)),
      Cells.utcSeconds(ResponseFields.text(k, "expiresAt")),
      ResponseFields.bool(k, "revoked") ? "yes" : "no"
    };
  }
}
