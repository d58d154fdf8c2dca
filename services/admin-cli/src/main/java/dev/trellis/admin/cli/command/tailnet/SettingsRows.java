package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.output.Table;
import java.io.PrintStream;

/**
 * A tailnet's settings (the answer of {@code POST /api/v1/tailnets/{name}/settings}) as a {@code
 * SETTING VALUE} table: device approval, key expiry, password login, and single sign-on (provider,
 * issuer, Microsoft tenant, client id, whether a client secret is set, scopes, allowed domains and
 * groups, GitHub organizations and teams). A setting the answer lacks prints as {@code -}.
 *
 * <p>Stateless, so safe to share between threads.
 */
final class SettingsRows {
  private SettingsRows() {}

  static void print(JsonNode s, PrintStream out) {
    Table t = new Table("SETTING", "VALUE");
    t.row("tailnet", text(s, "name"));
    t.row("id", text(s, "tailnetId"));
    t.row("device-approval", onOff(s.get("deviceApproval")));
    t.row("key-expiry", text(s, "nodeKeyExpiry"));
    t.row("password-login", onOff(s.get("passwordLogin")));
    JsonNode o = s.path("oidc");
    if (o.isObject() && o.path("issuer").isTextual()) {
      if (o.has("provider")) {
        t.row("sso", text(o, "provider"));
      }
      t.row("sso-issuer", text(o, "issuer"));
      if (o.has("tenant")) {
        t.row("sso-tenant", text(o, "tenant"));
      }
      t.row("sso-client-id", text(o, "clientId"));
      t.row("sso-client-secret", o.path("hasClientSecret").asBoolean() ? "set" : "not set");
      t.row("sso-scopes", csv(o.path("scopes")));
      t.row("sso-domains", csv(o.path("allowedEmailDomains")));
      t.row("sso-groups", csv(o.path("allowedGroups")));
      if (o.has("allowedOrgs") || o.has("allowedTeams")) {
        t.row("sso-orgs", csv(o.path("allowedOrgs")));
        t.row("sso-teams", csv(o.path("allowedTeams")));
      }
    } else {
      t.row("sso", "off");
    }
    t.print(out);
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  private static String onOff(JsonNode v) {
    return v == null || !v.isBoolean() ? null : v.asBoolean() ? "on" : "off";
  }

  private static String csv(JsonNode a) {
    StringBuilder b = new StringBuilder();
    a.forEach(e -> b.append(b.isEmpty() ? "" : ",").append(e.asText()));
    return b.isEmpty() ? null : b.toString();
  }
}
