package dev.trellis.admin.cli.command.dns;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import java.util.List;

/**
 * {@code dns get [--tailnet T]}: GET /api/v1/dns and print the settings.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsGet implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "get");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "show a tailnet's DNS settings (MagicDNS, resolvers, split DNS, records)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    if (!inv.args().positionals().isEmpty()) {
      throw new UsageException("unexpected argument '" + inv.args().positionals().getFirst() + "'");
    }
    return DnsEdit.print(inv, inv.client().get(DnsEdit.path(inv)));
  }
}
