package dev.trellis.admin.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's route list as one table cell: the subnets separated by commas, and {@code exit node} for
 * the pair of default routes ({@code 0.0.0.0/0} and {@code ::/0}) an exit node offers; a lone
 * default route is shown as it is. Used by {@code routes} and {@code nodes show}.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class RouteCells {
  /** The IPv4 default route. */
  public static final String EXIT_V4 = "0.0.0.0/0";

  /** The IPv6 default route. */
  public static final String EXIT_V6 = "::/0";

  private RouteCells() {}

  /**
   * {@code 10.0.0.0/24,exit node} for a JSON array of routes; null (printed {@code -}) if empty.
   */
  public static String of(JsonNode routes) {
    List<String> list = new ArrayList<>();
    routes.forEach(r -> list.add(r.asText()));
    return of(list);
  }

  /** {@code 10.0.0.0/24,exit node} for {@code routes}; null (printed {@code -}) if empty. */
  public static String of(List<String> routes) {
    boolean exit = routes.contains(EXIT_V4) && routes.contains(EXIT_V6);
    List<String> cells = new ArrayList<>();
    for (String r : routes) {
      if (!exit || !(r.equals(EXIT_V4) || r.equals(EXIT_V6))) {
        cells.add(r);
      }
    }
    if (exit) {
      cells.add("exit node");
    }
    return cells.isEmpty() ? null : String.join(",", cells);
  }
}
