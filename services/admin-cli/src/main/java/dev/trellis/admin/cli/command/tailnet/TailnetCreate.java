package dev.trellis.admin.cli.command.tailnet;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code tailnet create NAME}: POST /api/v1/tailnets {@code {"name":NAME}} and print the new
 * tailnet.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class TailnetCreate implements Command {
  @Override
  public List<String> path() {
    return List.of("tailnet", "create");
  }

  @Override
  public String arguments() {
    return "NAME";
  }

  @Override
  public String summary() {
    return "create a tailnet";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String name = inv.args().positionals("NAME").getFirst();
    if (name.isBlank()) {
      throw new UsageException("NAME must not be blank");
    }
    String body = AdminClient.json().createObjectNode().put("name", name).toString();
    String answer = inv.client().post("/api/v1/tailnets", body);
    return Answers.one(inv, answer, TailnetRows.FORMAT);
  }
}
