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
 * {@code tailnet set NAME [--device-approval on|off] [--key-expiry 180d] [--password-login on|off]
 * [--sso github|google|microsoft|oidc --client-id ID ...]}: POST /api/v1/tailnets/{name}/settings
 * with the given fields, print the settings. Single sign-on is a preset (github, google, microsoft:
 * the server knows their endpoints) or generic OpenID Connect ({@code --sso oidc --sso-issuer URL},
 * or the older {@code --sso-issuer URL --sso-client-id ID}).
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
        + " [--sso github|google|microsoft|oidc --client-id ID [--client-secret-file PATH]"
        + " [--sso-tenant T] [--sso-orgs a,b] [--sso-teams org/team] [--sso-issuer URL]"
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
        Option.valued("sso", "KIND", "single sign-on: github, google, microsoft or oidc"),
        Option.valued("client-id", "ID", "OAuth client id registered with the provider"),
        Option.valued(
            "client-secret-file",
            "PATH",
            "file holding the client secret (or env TRELLIS_SSO_CLIENT_SECRET); none = public"),
        Option.valued(
            "sso-tenant", "T", "microsoft: common, organizations, consumers or a tenant id"),
        Option.valued("sso-orgs", "LIST", "github: only members of these organizations"),
        Option.valued("sso-teams", "LIST", "github: only members of these teams (org/team)"),
        Option.valued("sso-issuer", "URL", "oidc: the issuer (its discovery document)"),
        Option.valued("sso-client-id", "ID", "same as --client-id"),
        Option.valued("sso-client-secret-file", "PATH", "same as --client-secret-file"),
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
    Optional<String> clientId = either(inv, "client-id", "sso-client-id");
    Optional<String> secretFile = either(inv, "client-secret-file", "sso-client-secret-file");
    boolean any = SSO_OPTIONS.stream().anyMatch(o -> args.value(o).isPresent());
    if (!any) {
      return Optional.empty();
    }
    Optional<String> kind = args.value("sso");
    if (kind.isEmpty() && issuer.isEmpty()) {
      throw new UsageException(
          "single sign-on options need --sso github|google|microsoft|oidc", usage());
    }
    String k = kind.orElse("oidc");
    if (!List.of("github", "google", "microsoft", "oidc").contains(k)) {
      throw new UsageException(
          "--sso: expected github, google, microsoft or oidc, got '" + k + "'", usage());
    }
    if (clientId.isEmpty() || clientId.get().isBlank()) {
      throw new UsageException(
          "--sso " + k + " needs --client-id (the OAuth app's client id)", usage());
    }
    if (k.equals("oidc") && issuer.isEmpty()) {
      throw new UsageException("--sso oidc needs --sso-issuer URL", usage());
    }
    if (!k.equals("oidc") && issuer.isPresent()) {
      throw new UsageException(
          "--sso-issuer is only for --sso oidc; the " + k + " preset knows its issuer", usage());
    }
    Optional<String> tenant = args.value("sso-tenant");
    if (k.equals("microsoft") && tenant.isEmpty()) {
      throw new UsageException(
          "--sso microsoft needs --sso-tenant common|organizations|consumers|TENANT-ID", usage());
    }
    if (!k.equals("microsoft") && tenant.isPresent()) {
      throw new UsageException("--sso-tenant is only for --sso microsoft", usage());
    }
    if (!k.equals("github")
        && (args.value("sso-orgs").isPresent() || args.value("sso-teams").isPresent())) {
      throw new UsageException("--sso-orgs and --sso-teams are only for --sso github", usage());
    }
    if (k.equals("github") && args.value("sso-groups").isPresent()) {
      throw new UsageException(
          "--sso github has no groups; use --sso-orgs or --sso-teams", usage());
    }
    String secret = clientSecret(secretFile);
    if (k.equals("github") && secret == null) {
      throw new UsageException(
          "--sso github needs --client-secret-file (GitHub OAuth apps have a secret)", usage());
    }
    ObjectNode o = AdminClient.json().createObjectNode();
    if (kind.isPresent()) {
      o.put("provider", k);
    }
    issuer.ifPresent(v -> o.put("issuer", v));
    o.put("clientId", clientId.get().strip());
    tenant.ifPresent(v -> o.put("tenant", v));
    if (secret != null) {
      o.put("clientSecret", secret);
    }
    list(args.value("sso-scopes"), o.putArray("scopes"));
    list(args.value("sso-domains"), o.putArray("allowedEmailDomains"));
    list(args.value("sso-groups"), o.putArray("allowedGroups"));
    if (k.equals("github")) {
      list(args.value("sso-orgs"), o.putArray("allowedOrgs"));
      list(args.value("sso-teams"), o.putArray("allowedTeams"));
    }
    return Optional.of(o);
  }

  private static final List<String> SSO_OPTIONS =
      List.of(
          "sso",
          "client-id",
          "client-secret-file",
          "sso-tenant",
          "sso-orgs",
          "sso-teams",
          "sso-issuer",
          "sso-client-id",
          "sso-client-secret-file",
          "sso-scopes",
          "sso-domains",
          "sso-groups");

  /** The value of option {@code a} or its older name {@code b}; both given is a usage error. */
  private Optional<String> either(Invocation inv, String a, String b) throws UsageException {
    Optional<String> x = inv.args().value(a);
    Optional<String> y = inv.args().value(b);
    if (x.isPresent() && y.isPresent()) {
      throw new UsageException("give --" + a + " or --" + b + ", not both", usage());
    }
    return x.isPresent() ? x : y;
  }

  private static String clientSecret(Optional<String> file) throws UsageException {
    if (file.isPresent()) {
      String secret;
      try {
        secret = java.nio.file.Files.readString(java.nio.file.Path.of(file.get())).strip();
      } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
        throw new UsageException(
            "--client-secret-file: cannot read " + file.get() + ": " + e.getMessage(), "");
      }
      if (secret.isEmpty()) {
        throw new UsageException("--client-secret-file: " + file.get() + " is empty", "");
      }
      return secret;
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
