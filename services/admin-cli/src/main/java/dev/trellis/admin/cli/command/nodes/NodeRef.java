package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.ApiException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node a {@code nodes} command names: its id, or its name as people know it (the MagicDNS name,
 * that name's first label, or the hostname the device reported, case-insensitively). Looks the name
 * up in the token's tailnet ({@code GET /api/v1/nodes}); an id wins over a name; a name that fits
 * several nodes is a usage error that lists them; a word that fits none is passed on as an id, so
 * the server says whether it exists (a deployment administrator may name a node of another tailnet
 * by id).
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodeRef {
  private NodeRef() {}

  /** The id of the node {@code word} names, URL-encoded for a path segment. */
  public static String resolve(Invocation inv, String word)
      throws AdminCliException, InterruptedException {
    Segments.of("NODE", word);
    JsonNode nodes;
    try {
      nodes =
          ResponseFields.array(
              ResponseFields.object(AdminClient.parse(inv.client().get("/api/v1/nodes")), "nodes"),
              "nodes");
    } catch (ApiException e) {
      return Segments.of("NODE", word); // cannot list (another tailnet's admin): take it as an id
    }
    return Segments.of("NODE", pick(nodes, word));
  }

  /** The id {@code word} names among {@code nodes}, or {@code word} itself when none fits. */
  static String pick(JsonNode nodes, String word) throws UsageException {
    List<JsonNode> byName = new ArrayList<>();
    for (JsonNode n : nodes) {
      if (n.path("id").asText().equals(word)) {
        return word;
      }
      if (names(n).contains(word.toLowerCase(Locale.ROOT))) {
        byName.add(n);
      }
    }
    if (byName.size() == 1) {
      return byName.getFirst().path("id").asText();
    }
    if (byName.isEmpty()) {
      return word;
    }
    StringBuilder b = new StringBuilder("'" + word + "' names " + byName.size() + " nodes: ");
    for (int i = 0; i < byName.size(); i++) {
      JsonNode n = byName.get(i);
      b.append(i == 0 ? "" : ", ")
          .append(n.path("id").asText())
          .append(" (")
          .append(n.path("name").asText())
          .append(", host ")
          .append(n.path("hostname").asText())
          .append(")");
    }
    b.append("; name one by its id");
    throw new UsageException(b.toString());
  }

  private static List<String> names(JsonNode n) {
    String name = n.path("name").asText().toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    int dot = name.indexOf('.');
    List<String> out = new ArrayList<>(List.of(name));
    if (dot > 0) {
      out.add(name.substring(0, dot));
    }
    String host = n.path("hostname").asText().toLowerCase(Locale.ROOT);
    if (!host.isEmpty()) {
      out.add(host);
    }
    return out;
  }
}
