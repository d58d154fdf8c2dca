package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;
import java.util.Optional;

/**
 * {@code dns set [--tailnet T] [--magic-dns on|off] [--suffix S|default] [--nameservers A,B|none]
 * [--search-domains D,E|none]}: POST /api/v1/dns with the given fields only, print the settings.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsSet implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "set");
  }

  @Override
  public String arguments() {
    return "[--tailnet T] [--magic-dns on|off] [--suffix S|default] [--nameservers A,B|none]"
        + " [--search-domains D,E|none]";
  }

  @Override
  public String summary() {
    return "change MagicDNS, the suffix, the global resolvers or the search domains";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("tailnet", "T", "the tailnet name or id"),
        Option.valued("magic-dns", "on|off", "devices answer their peers' names"),
        Option.valued(
            "suffix", "S", "the MagicDNS suffix; 'default' for <tailnet>.trellis.internal"),
        Option.valued(
            "nameservers",
            "LIST",
            "resolvers for all other names (IP[:port] or https:// URL); 'none' keeps the devices'"
                + " own"),
        Option.valued("search-domains", "LIST", "search domains, in order; 'none' for none"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    if (!inv.args().positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + inv.args().positionals().getFirst() + "'");
    }
    ObjectNode body = AdminClient.json().createObjectNode();
    Optional<String> magic = inv.args().value("magic-dns");
    if (magic.isPresent()) {
      body.put(
          "magicDns",
          switch (magic.get()) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default ->
                throw new UsageException(
                    "--magic-dns: expected on or off, got '" + magic.get() + "'");
          });
    }
    inv.args().value("suffix").ifPresent(s -> body.put("suffix", s.equals("default") ? "" : s));
    list(inv, "nameservers", body.putArray("nameservers"), body);
    list(inv, "search-domains", body.putArray("searchDomains"), body);
    if (body.isEmpty()) {
      throw new UsageException("nothing to change", usage());
    }
    return DnsEdit.print(inv, inv.client().post(DnsEdit.path(inv), body.toString()));
  }

  private static void list(Invocation inv, String option, ArrayNode into, ObjectNode body) {
    Optional<String> v = inv.args().value(option);
    if (v.isEmpty()) {
      body.remove(option.equals("nameservers") ? "nameservers" : "searchDomains");
      return;
    }
    if (v.get().equals("none")) {
      return;
    }
    for (String item : v.get().split(",")) {
      if (!item.isBlank()) {
        into.add(item.strip());
      }
    }
  }
}
