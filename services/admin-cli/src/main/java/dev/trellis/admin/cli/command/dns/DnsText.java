package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a tailnet's DNS settings (the API's answer) for people, one setting per line:
 *
 * <pre>
 * tailnet      acme (DNS version 3)
 * magic dns    on
 * suffix       acme.trellis.internal (default)
 * nameservers  1.1.1.1, 8.8.8.8
 * search       corp.example.com
 * split dns    corp.example.com -> 10.0.0.53, 10.0.0.54
 * record       grafana.internal A 100.64.0.7
 * </pre>
 *
 * <p>Stateless.
 */
final class DnsText {
  private DnsText() {}

  static String render(JsonNode s) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "tailnet",
          s.path("tailnet").asText() + " (DNS version " + s.path("version").asLong() + ")"
        });
    rows.add(new String[] {"magic dns", s.path("magicDns").asBoolean() ? "on" : "off"});
    rows.add(
        new String[] {
          "suffix",
          s.path("suffix").asText() + (s.path("suffixIsDefault").asBoolean() ? " (default)" : "")
        });
    rows.add(
        new String[] {
          "nameservers",
          s.path("nameservers").isEmpty() ? "(each device's own)" : join(s.path("nameservers"))
        });
    rows.add(
        new String[] {
          "search", s.path("searchDomains").isEmpty() ? "-" : join(s.path("searchDomains"))
        });
    var routes = s.path("routes").properties();
    if (routes.isEmpty()) {
      rows.add(new String[] {"split dns", "-"});
    }
    for (var e : routes) {
      rows.add(new String[] {"split dns", e.getKey() + " -> " + join(e.getValue())});
    }
    for (JsonNode r : s.path("extraRecords")) {
      rows.add(
          new String[] {
            "record",
            r.path("name").asText() + " " + r.path("type").asText() + " " + r.path("value").asText()
          });
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : rows) {
      b.append(String.format("%-12s %s%n", row[0], row[1]));
    }
    return b.toString();
  }

  private static String join(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return String.join(", ", out);
  }
}
