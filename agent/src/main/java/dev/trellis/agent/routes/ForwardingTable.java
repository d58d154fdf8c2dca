package dev.trellis.agent.routes;

import dev.trellis.agent.netconf.NftTable;
import java.io.IOException;

/**
 * The nftables table of a subnet router or exit node ({@code inet trellis_route_<tun>}): forwarded
 * traffic from and to the TUN is accepted, and with SNAT on, packets arriving from the TUN are
 * marked and, leaving through another interface, masqueraded behind that interface's address, so
 * hosts on the subnet (and the internet) answer this router without a route back to the tailnet.
 *
 * <pre>
 * table inet trellis_route_trellis0 {
 *   chain forward {
 *     type filter hook forward priority 0; policy accept;
 *     iifname "trellis0" meta mark set meta mark or 0x40000 accept
 *     oifname "trellis0" accept
 *   }
 *   chain postrouting {
 *     type nat hook postrouting priority 100; policy accept;
 *     oifname != "trellis0" meta mark and 0x40000 == 0x40000 counter masquerade
 *   }
 * }
 * </pre>
 *
 * <p>Thread-safety: guarded by {@code this}.
 */
public final class ForwardingTable {
  /** The mark of packets that came in through the TUN. */
  public static final String MARK = "0x40000";

  private final NftTable table;
  private final String tun;
  private Boolean installedSnat; // guarded by this; null when not installed

  public ForwardingTable(NftTable table, String tun) {
    this.table = table;
    this.tun = tun;
  }

  /** The table's name. */
  public String name() {
    return table.name();
  }

  /** The table's chains for {@code tun}, with or without SNAT. */
  public static String body(String tun, boolean snat) {
    String dev = "\"" + tun + "\"";
    StringBuilder b = new StringBuilder();
    b.append("  chain forward {\n    type filter hook forward priority 0; policy accept;\n");
    b.append("    iifname ")
        .append(dev)
        .append(snat ? " meta mark set meta mark or " + MARK + " accept\n" : " accept\n");
    b.append("    oifname ").append(dev).append(" accept\n  }\n");
    if (snat) {
      b.append(
          "  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n");
      b.append("    oifname != ")
          .append(dev)
          .append(" meta mark and ")
          .append(MARK)
          .append(" == ")
          .append(MARK)
          .append(" counter masquerade\n  }\n");
    }
    return b.toString();
  }

  /** Installs the table (with SNAT or not), unless it is installed that way already. */
  public synchronized void install(boolean snat) throws IOException {
    if (Boolean.valueOf(snat).equals(installedSnat)) {
      return;
    }
    table.replace(body(tun, snat));
    installedSnat = snat;
  }

  /** Whether the table is installed. */
  public synchronized boolean installed() {
    return installedSnat != null;
  }

  /** Removes the table if this run installed it. */
  public synchronized void remove() {
    if (installedSnat != null) {
      clear();
    }
  }

  /** Removes the table whoever installed it (also one a crashed run left). */
  public synchronized void clear() {
    table.remove();
    installedSnat = null;
  }
}
