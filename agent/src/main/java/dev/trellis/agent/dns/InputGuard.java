package dev.trellis.agent.dns;

import dev.trellis.agent.netconf.ExternalProgram;
import dev.trellis.agent.netconf.NftTable;
import java.io.IOException;

/**
 * An nftables table that keeps the resolver reachable from this host only: packets for its
 * addresses that arrive on any interface other than {@code lo} (where the kernel delivers a host's
 * packets to its own addresses) are dropped and counted before they reach a socket. Without it, a
 * LAN neighbour routing 100.100.100.100 to this host, or a peer sending it through the tunnel,
 * would reach the resolver (Linux accepts packets for any local address on any interface).
 *
 * <p>The table is named after the tunnel interface ({@code trellis_dns_<link>}), replaced
 * atomically on install and deleted on stop and at the next start after a crash ({@link NftTable}).
 *
 * <pre>
 * table inet trellis_dns_trellis0 {
 *   chain input {
 *     type filter hook input priority -10; policy accept;
 *     iifname != "lo" ip daddr 100.100.100.100 counter drop
 *     iifname != "lo" ip6 daddr fd7a:115c:a1e0::53 counter drop
 *   }
 * }
 * </pre>
 *
 * <p>Thread-safety: immutable; {@link MagicDns} calls it under its lock.
 */
public final class InputGuard {
  private final NftTable table;

  public InputGuard(ExternalProgram nft, String link) {
    this.table = new NftTable(nft, "inet", "trellis_dns_", link);
  }

  /** The table's name. */
  public String table() {
    return table.name();
  }

  /** Installs (or replaces) the table. */
  public void install() throws IOException {
    table.replace(
        "  chain input {\n    type filter hook input priority -10; policy accept;\n"
            + "    iifname != \"lo\" ip daddr "
            + ResolverAddress.V4.getHostAddress()
            + " counter drop\n    iifname != \"lo\" ip6 daddr fd7a:115c:a1e0::53 counter drop\n"
            + "  }\n");
  }

  /** Deletes the table if it exists. */
  public void remove() {
    table.remove();
  }
}
