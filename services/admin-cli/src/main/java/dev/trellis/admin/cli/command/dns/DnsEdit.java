package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.Map;

/**
 * Talks to {@code /api/v1/dns}: reads the settings, and changes them either with the given fields
 * or by reading, changing and writing back with {@code If-Match} (so that two admins editing split
 * domains at once cannot lose each other's change; a lost race is retried on the new settings).
 *
 * <p>Stateless.
 */
final class DnsEdit {
  static final int ATTEMPTS = 3;

  /** A change of the current settings: the request body to send, or a usage error. */
  interface Change {
    ObjectNode apply(JsonNode current) throws UsageException;
  }

  private DnsEdit() {}

  static String path(Invocation inv) {
    return "/api/v1/dns"
        + new QueryString()
            .addIfPresent("tailnet", inv.args().value("tailnet").orElse(null))
            .toString();
  }

  static JsonNode get(Invocation inv) throws AdminCliException, InterruptedException {
    return ResponseFields.object(AdminClient.parse(inv.client().get(path(inv))), "dns get");
  }

  /** Reads, applies {@code change}, writes back conditionally; returns the new settings. */
  static String edit(Invocation inv, Change change) throws AdminCliException, InterruptedException {
    AdminClient.Answer last = null;
    for (int i = 0; i < ATTEMPTS; i++) {
      JsonNode current = get(inv);
      ObjectNode body = change.apply(current);
      last =
          inv.client()
              .postText(
                  path(inv),
                  "application/json",
                  body.toString(),
                  Map.of("If-Match", Long.toString(current.path("version").asLong())));
      if (last.ok()) {
        return last.body();
      }
      if (last.status() != 409) {
        break;
      }
    }
    throw AdminClient.failure(last);
  }

  /** Prints the settings in {@code answer} (or the JSON itself with {@code --json}). */
  static int print(Invocation inv, String answer) throws AdminCliException {
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      inv.out().print(DnsText.render(ResponseFields.object(AdminClient.parse(answer), "dns")));
    }
    inv.out().flush();
    return 0;
  }
}
