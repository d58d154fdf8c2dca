package dev.trellis.admin.cli.command.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.RouteCells;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.ResponseException;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * The table of nodes' routes: {@code NODE ADVERTISED APPROVED PRIMARY}, the node by name, each list
 * through {@link RouteCells} (an exit node's two default routes read {@code exit node}).
 *
 * <p>Immutable, so safe to share between threads.
 */
final class RouteRows {
  static final RowFormat FORMAT =
      new RowFormat(List.of("NODE", "ADVERTISED", "APPROVED", "PRIMARY"), RouteRows::cells);

  private RouteRows() {}

  private static String[] cells(JsonNode node) throws ResponseException {
    JsonNode n = ResponseFields.object(node, "routes");
    return new String[] {
      ResponseFields.text(n, "name"),
      RouteCells.of(ResponseFields.array(n, "advertised")),
      RouteCells.of(ResponseFields.array(n, "approved")),
      RouteCells.of(ResponseFields.array(n, "primary"))
    };
  }
}
