package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code nodes tag NODE TAGS}: POST /api/v1/nodes/{id}/tags with the comma-separated tags ({@code
 * tag:web,tag:db}), replacing the node's tags.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesTag implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "tag");
  }

  @Override
  public String arguments() {
    return "NODE tag:a[,tag:b...]";
  }

  @Override
  public String summary() {
    return "replace a node's ACL tags";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals("NODE", "TAGS");
    ObjectNode body = AdminClient.json().createObjectNode();
    ArrayNode tags = body.putArray("tags");
    for (String t : args.get(1).split(",", -1)) {
      String tag = t.strip();
      if (!tag.startsWith("tag:") || tag.length() == 4) {
        throw new UsageException(
            "invalid tag '" + tag + "'", "tags look like tag:name, separated by commas");
      }
      tags.add(tag);
    }
    return NodeChange.post(inv, args.get(0), "tags", body.toString());
  }
}
