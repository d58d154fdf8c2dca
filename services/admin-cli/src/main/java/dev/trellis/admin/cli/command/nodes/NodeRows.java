package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.People;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of nodes: {@code ID NAME ADDRESSES OS OWNER STATUS KEY-EXPIRY}. The owner is the tags
 * of a tagged node, else its user's email (from {@link People}; the id when unknown); the status is
 * {@code revoked}, {@code expired}, {@code awaiting-approval} or {@code ok}, with {@code
 * ,ephemeral} appended for ephemeral nodes.
 *
 * <p>Immutable, so safe to share between threads.
 */
final class NodeRows {
  /** The format, with owners as user ids. */
  static final RowFormat FORMAT = format(People.none());

  private NodeRows() {}

  /** The format, with owners named by {@code people}. */
  static RowFormat format(People people) {
    return new RowFormat(
        List.of("ID", "NAME", "ADDRESSES", "OS", "OWNER", "STATUS", "KEY-EXPIRY"),
        node -> cells(node, people));
  }

  private static String[] cells(JsonNode node, People people) throws ResponseException {
    JsonNode n = ResponseFields.object(node, "node");
    List<String> addresses = new ArrayList<>();
    n.path("addresses").forEach(a -> addresses.add(a.asText()));
    String owner = people.owner(n);
    String expiry = ResponseFields.optionalText(n, "keyExpiry");
    return new String[] {
      ResponseFields.text(n, "id"),
      ResponseFields.text(n, "name"),
      addresses.isEmpty() ? null : String.join(",", addresses),
      ResponseFields.optionalText(n, "os"),
      owner == null || owner.isEmpty() ? null : owner,
      status(n),
      n.path("keyExpiryDisabled").asBoolean()
          ? "disabled"
          : expiry == null ? null : Cells.utcSeconds(expiry)
    };
  }

  static String status(JsonNode n) {
    String s;
    if (n.path("revoked").asBoolean()) {
      s = "revoked";
    } else if (n.path("expired").asBoolean()) {
      s = "expired";
    } else if (!n.path("approved").asBoolean()) {
      s = "awaiting-approval";
    } else {
      s = "ok";
    }
    return n.path("ephemeral").asBoolean() ? s + ",ephemeral" : s;
  }
}
