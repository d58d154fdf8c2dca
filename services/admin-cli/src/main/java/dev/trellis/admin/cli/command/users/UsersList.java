package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code users list [--tailnet T]}: GET /api/v1/users and print a table.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersList implements Command {
  @Override
  public List<String> path() {
    return List.of("users", "list");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "list a tailnet's users (default: the token's tailnet)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    String query =
        new QueryString()
            .addIfPresent("tailnet", inv.args().value("tailnet").orElse(null))
            .toString();
    String answer = inv.client().get("/api/v1/users" + query);
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      JsonNode root = ResponseFields.object(AdminClient.parse(answer), "users list");
      UserTable table = new UserTable();
      for (JsonNode u : ResponseFields.array(root, "users")) {
        table.add(u);
      }
      table.table().print(inv.out());
    }
    inv.out().flush();
    return 0;
  }
}
