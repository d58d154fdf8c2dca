package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;
import java.util.Optional;

/**
 * {@code tailnet set NAME [--device-approval on|off] [--key-expiry 180d] [--password-login
 * on|off]}: POST /api/v1/tailnets/{name}/settings with the given fields, print the settings.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class TailnetSet implements Command {
  @Override
  public List<String> path() {
    return List.of("tailnet", "set");
  }

  @Override
  public String arguments() {
    return "NAME [--device-approval on|off] [--key-expiry 180d] [--password-login on|off]";
  }

  @Override
  public String summary() {
    return "change a tailnet's settings";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("device-approval", "on|off", "new devices need an admin's approval"),
        Option.valued("key-expiry", "TIME", "node key lifetime, e.g. 180d"),
        Option.valued("password-login", "on|off", "allow built-in email + password login"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String name = Segments.of("NAME", inv.args().positionals("NAME").getFirst());
    ObjectNode body = AdminClient.json().createObjectNode();
    Optional<Boolean> approval = onOff(inv, "device-approval");
    approval.ifPresent(v -> body.put("deviceApproval", v));
    inv.args().value("key-expiry").ifPresent(v -> body.put("nodeKeyExpiry", v));
    onOff(inv, "password-login").ifPresent(v -> body.put("passwordLogin", v));
    if (body.isEmpty()) {
      throw new UsageException("nothing to change", usage());
    }
    String answer = inv.client().post("/api/v1/tailnets/" + name + "/settings", body.toString());
    inv.out().println(answer.strip());
    inv.out().flush();
    return 0;
  }

  private static Optional<Boolean> onOff(Invocation inv, String option) throws UsageException {
    Optional<String> v = inv.args().value(option);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    return switch (v.get()) {
      case "on", "true", "yes" -> Optional.of(true);
      case "off", "false", "no" -> Optional.of(false);
      default ->
          throw new UsageException("--" + option + ": expected on or off, got '" + v.get() + "'");
    };
  }
}
