package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
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
    return "NAME [--device-approval on|off] [--key-expiry 180d] [--password-login on|off]"
        + " [--sso-issuer URL --sso-client-id ID [--sso-client-secret-file PATH]"
        + " [--sso-scopes a,b] [--sso-domains d1,d2] [--sso-groups g1,g2]]";
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
        Option.valued("password-login", "on|off", "allow built-in email + password login"),
        Option.valued("sso-issuer", "URL", "OpenID Connect issuer (its discovery document)"),
        Option.valued("sso-client-id", "ID", "OAuth client id registered with the provider"),
        Option.valued(
            "sso-client-secret-file",
            "PATH",
            "file holding the client secret (or env TRELLIS_SSO_CLIENT_SECRET); none = public"),
        Option.valued("sso-scopes", "LIST", "extra scopes besides openid and email"),
        Option.valued("sso-domains", "LIST", "only emails in these domains may sign in"),
        Option.valued("sso-groups", "LIST", "only members of these groups may sign in"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String name = Segments.of("NAME", inv.args().positionals("NAME").getFirst());
    ObjectNode body = AdminClient.json().createObjectNode();
    Optional<Boolean> approval = onOff(inv, "device-approval");
    approval.ifPresent(v -> body.put("deviceApproval", v));
    inv.args().value("key-expiry").ifPresent(v -> body.put("nodeKeyExpiry", v));
    onOff(inv, "password-login").ifPresent(v -> body.put("passwordLogin", v));
    sso(inv).ifPresent(o -> body.set("oidc", o));
    if (body.isEmpty()) {
      throw new UsageException("nothing to change", usage());
    }
    String answer = inv.client().post("/api/v1/tailnets/" + name + "/settings", body.toString());
    return Answers.print(
        inv,
        answer,
        a ->
            SettingsRows.print(
                ResponseFields.object(AdminClient.parse(a), "tailnet set"), inv.out()));
  }

  /** The {@code oidc} object from the {@code --sso-*} options, if any is given. */
  private Optional<ObjectNode> sso(Invocation inv) throws UsageException {
    var args = inv.args();
    Optional<String> issuer = args.value("sso-issuer");
    Optional<String> clientId = args.value("sso-client-id");
    boolean any =
        List.of(
                "sso-issuer",
                "sso-client-id",
                "sso-client-secret-file",
                "sso-scopes",
                "sso-domains",
                "sso-groups")
            .stream()
            .anyMatch(o -> args.value(o).isPresent());
    if (!any) {
      return Optional.empty();
    }
    if (issuer.isEmpty() || clientId.isEmpty()) {
      throw new UsageException("--sso-* options need --sso-issuer and --sso-client-id", usage());
    }
    ObjectNode o = AdminClient.json().createObjectNode();
    o.put("issuer", issuer.get());
    o.put("clientId", clientId.get());
    String secret = clientSecret(args.value("sso-client-secret-file"));
    if (secret != null) {
      o.put("clientSecret", secret);
    }
    list(args.value("sso-scopes"), o.putArray("scopes"));
    list(args.value("sso-domains"), o.putArray("allowedEmailDomains"));
    list(args.value("sso-groups"), o.putArray("allowedGroups"));
    return Optional.of(o);
  }

  private static String clientSecret(Optional<String> file) throws UsageException {
    if (file.isPresent()) {
      try {
        return java.nio.file.Files.readString(java.nio.file.Path.of(file.get())).strip();
      } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
        throw new UsageException(
            "--sso-client-secret-file: cannot read " + file.get() + ": " + e.getMessage(), "");
      }
    }
    String env = System.getenv("TRELLIS_SSO_CLIENT_SECRET");
    return env == null || env.isBlank() ? null : env.strip();
  }

  private static void list(
      Optional<String> csv, com.fasterxml.jackson.databind.node.ArrayNode into) {
    csv.ifPresent(
        v -> {
          for (String item : v.split(",")) {
            if (!item.isBlank()) {
              into.add(item.strip());
            }
          }
        });
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
