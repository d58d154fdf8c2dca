package dev.trellis.admin.cli.command.authkeys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code authkeys create [--tailnet T] [--reusable] [--ephemeral] [--preapproved] [--tags
 * tag:a,tag:b] [--expiry 24h] [--uses N] [--description D]}: POST /api/v1/authkeys and print the
 * key once on standard output.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class AuthKeysCreate implements Command {
  @Override
  public List<String> path() {
    return List.of("authkeys", "create");
  }

  @Override
  public String arguments() {
    return "[--tailnet T] [--reusable] [--ephemeral] [--preapproved] [--tags tag:a,tag:b]"
        + " [--expiry 24h] [--uses N] [--description D]";
  }

  @Override
  public String summary() {
    return "create an auth key for devices (shown once)";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("tailnet", "T", "the tailnet name or id"),
        Option.flag("reusable", "the key may register more than one device"),
        Option.flag("ephemeral", "devices registered with it are ephemeral"),
        Option.flag("preapproved", "devices registered with it skip device approval"),
        Option.valued("tags", "TAGS", "comma-separated ACL tags, e.g. tag:server,tag:ci"),
        Option.valued("expiry", "TIME", "lifetime such as 24h or 90d (default 90d)"),
        Option.valued("uses", "N", "usage limit of a reusable key"),
        Option.valued("description", "D", "what the key is for"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    ObjectNode body = AdminClient.json().createObjectNode();
    inv.args().value("tailnet").ifPresent(v -> body.put("tailnet", v));
    body.put("reusable", inv.args().has("reusable"));
    body.put("ephemeral", inv.args().has("ephemeral"));
    body.put("preapproved", inv.args().has("preapproved"));
    if (inv.args().value("tags").isPresent()) {
      ArrayNode tags = body.putArray("tags");
      for (String t : inv.args().value("tags").get().split(",")) {
        if (!t.isBlank()) {
          tags.add(t.strip());
        }
      }
    }
    inv.args().value("expiry").ifPresent(v -> body.put("expiry", v));
    if (inv.args().value("uses").isPresent()) {
      String uses = inv.args().value("uses").get();
      try {
        body.put("uses", Integer.parseInt(uses));
      } catch (NumberFormatException e) {
        throw new UsageException("--uses: expected a whole number, got '" + uses + "'");
      }
    }
    inv.args().value("description").ifPresent(v -> body.put("description", v));
    String answer = inv.client().post("/api/v1/authkeys", body.toString());
    return Answers.secret(
        inv,
        answer,
        "authkeys create",
        "key",
        "keyInfo",
        info ->
            "Auth key "
                + ResponseFields.text(info, "id")
                + " expires "
                + ResponseFields.text(info, "expiresAt")
                + ": shown once, store it now.");
  }
}
