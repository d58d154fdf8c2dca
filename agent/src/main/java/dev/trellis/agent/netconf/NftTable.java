package dev.trellis.agent.netconf;

import java.io.IOException;

/**
 * One nftables table the agent owns, named after its TUN interface: replaced atomically in one
 * {@code nft -f -} transaction (add, delete, define: so a table left by a crashed run never lingers
 * beside the new one) and deleted when no longer wanted or at the next start after a crash.
 *
 * <p>Thread-safety: immutable; callers serialise changes to one table.
 */
public final class NftTable {
  private final ExternalProgram nft;
  private final String family;
  private final String name;

  /**
   * @param family the nftables family ({@code inet})
   * @param prefix the table's name before the link's ({@code trellis_dns_})
   * @param link the TUN interface; characters nft does not take in a name become {@code _}
   */
  public NftTable(ExternalProgram nft, String family, String prefix, String link) {
    this.nft = nft;
    this.family = family;
    this.name = prefix + link.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The table's name. */
  public String name() {
    return name;
  }

  /** Installs the table with {@code body} (its chains, as nft's text form), replacing any. */
  public void replace(String body) throws IOException {
    String t = family + " " + name;
    nft.runWithInput(
        "add table " + t + "\ndelete table " + t + "\ntable " + t + " {\n" + body + "}\n",
        "-f",
        "-");
  }

  /** Deletes the table if it exists. */
  public void remove() {
    try {
      nft.run("delete", "table", family, name);
    } catch (IOException e) {
      // not there (or no nft): nothing to remove
    }
  }

  /** The table as nft lists it, or null when there is none. */
  public String list() {
    try {
      return nft.run("list", "table", family, name);
    } catch (IOException e) {
      return null;
    }
  }
}
