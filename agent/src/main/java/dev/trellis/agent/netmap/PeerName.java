package dev.trellis.agent.netmap;

import java.util.Locale;

/**
 * How users name nodes: by full MagicDNS name ({@code nas.acme.trellis.internal}, with or without
 * the final dot) or by short name ({@code nas}, the first label), in any letter case, as in {@code
 * trellis ping nas} and {@code trellis ip nas.acme.trellis.internal}.
 *
 * <p>Thread-safety: stateless.
 */
public final class PeerName {
  private PeerName() {}

  /** The full name without the final dot, in lower case ({@code nas.acme.trellis.internal}). */
  public static String full(String fqdn) {
    String n = fqdn == null ? "" : fqdn.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** The short name: the first label ({@code nas}). */
  public static String shortName(String fqdn) {
    String f = full(fqdn);
    int dot = f.indexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  /** Whether {@code query} names the node called {@code fqdn}. */
  public static boolean matches(String fqdn, String query) {
    String f = full(fqdn);
    String q = full(query);
    return !f.isEmpty() && !q.isEmpty() && (q.equals(f) || q.equals(shortName(f)));
  }
}
