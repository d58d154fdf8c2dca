package dev.trellis.admin.cli.command.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.RouteCells;
import dev.trellis.admin.cli.command.nodes.NodeRef;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Cells;
import dev.trellis.proto.net.AdvertisedRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * What {@code routes approve} and {@code routes unapprove} share: the routes named on the command
 * line (each CIDR checked as the server does, before any request; {@code --exit-node} for the two
 * default routes), then read the node's approved set ({@code GET /api/v1/nodes/{id}/routes}),
 * change it, and post the complete set ({@code POST /api/v1/nodes/{id}/routes}).
 *
 * <p>Stateless, so safe to share between threads.
 */
final class RouteChange {
  static final Option EXIT_NODE =
      Option.flag("exit-node", "the exit node routes (0.0.0.0/0 and ::/0) as well");

  private RouteChange() {}

  /** The usage arguments of both commands. */
  static final String ARGUMENTS = "NODE [CIDR...] [--exit-node]";

  /** The routes the command line names, canonical; a usage error for a bad one or none. */
  static List<String> named(Invocation inv) throws UsageException {
    List<String> args = inv.args().positionals();
    if (args.isEmpty()) {
      throw new UsageException("missing argument NODE");
    }
    List<String> routes = new ArrayList<>();
    for (String cidr : args.subList(1, args.size())) {
      String text = cidr.strip();
      if (text.equals(RouteCells.EXIT_V4) || text.equals(RouteCells.EXIT_V6)) {
        throw new UsageException(
            "'" + text + "' is an exit node route; use --exit-node for 0.0.0.0/0 and ::/0");
      }
      try {
        routes.add(AdvertisedRoutes.subnet(text).toString());
      } catch (IllegalArgumentException e) {
        throw new UsageException("invalid route: " + e.getMessage());
      }
    }
    if (inv.args().has("exit-node")) {
      routes.add(RouteCells.EXIT_V4);
      routes.add(RouteCells.EXIT_V6);
    }
    if (routes.isEmpty()) {
      throw new UsageException("name at least one CIDR, or --exit-node");
    }
    return routes;
  }

  /**
   * Posts {@code change} of the node's approved set and {@code named}, then prints the node's
   * routes as the server answered them.
   */
  static int run(Invocation inv, BiFunction<TreeSet<String>, List<String>, TreeSet<String>> change)
      throws AdminCliException, InterruptedException {
    List<String> named = named(inv);
    String id = NodeRef.resolve(inv, inv.args().positionals().getFirst());
    String path = "/api/v1/nodes/" + id + "/routes";
    JsonNode current = ResponseFields.object(AdminClient.parse(inv.client().get(path)), "routes");
    TreeSet<String> approved = new TreeSet<>();
    List<String> advertised = new ArrayList<>();
    ResponseFields.array(current, "advertised").forEach(r -> advertised.add(r.asText()));
    for (JsonNode r : ResponseFields.array(current, "approved")) {
      // The server approves only what the node advertises now: a stale approval cannot be kept.
      if (advertised.contains(r.asText())) {
        approved.add(r.asText());
      } else {
        inv.err()
            .println(
                "note: "
                    + Cells.printable(r.asText())
                    + " is no longer advertised by the node; its approval is dropped");
      }
    }
    TreeSet<String> after = change.apply(new TreeSet<>(approved), named);
    ObjectNode body = AdminClient.json().createObjectNode();
    ArrayNode routes = body.putArray("routes");
    after.forEach(routes::add);
    String answer = inv.client().post(path, body.toString());
    return Answers.one(inv, answer, RouteRows.FORMAT);
  }
}
