package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code nodes expire NODE [--disable]}: POST /api/v1/nodes/{id}/expire (the key expires now), or
 * with {@code --disable} POST /api/v1/nodes/{id}/key-expiry (the key never expires).
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesExpire implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "expire");
  }

  @Override
  public String arguments() {
    return "NODE [--disable]";
  }

  @Override
  public String summary() {
    return "expire a node's key now (it must re-authenticate), or --disable its expiry";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.flag("disable", "turn key expiry off for this node instead"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = inv.args().positionals("NODE").getFirst();
    if (inv.args().has("disable")) {
      return NodeChange.post(inv, id, "key-expiry", "{\"disabled\":true}");
    }
    return NodeChange.post(inv, id, "expire", "{}");
  }
}
