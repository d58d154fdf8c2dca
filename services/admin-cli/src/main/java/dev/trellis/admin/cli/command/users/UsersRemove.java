package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code users remove USER_ID [--reason R]}: POST /api/v1/users/{id}/remove.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersRemove implements Command {
  @Override
  public List<String> path() {
    return List.of("users", "remove");
  }

  @Override
  public String arguments() {
    return "USER_ID [--reason R]";
  }

  @Override
  public String summary() {
    return "remove a user from its tailnet";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("reason", "R", "why, for the audit log"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = Segments.of("USER_ID", inv.args().positionals("USER_ID").getFirst());
    ObjectNode body = AdminClient.json().createObjectNode();
    inv.args().value("reason").ifPresent(r -> body.put("reason", r));
    String answer = inv.client().post("/api/v1/users/" + id + "/remove", body.toString());
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      inv.out().println("removed " + AdminClient.parse(answer).path("email").asText());
    }
    inv.out().flush();
    return 0;
  }
}
