package dev.trellis.agent.routes;

import java.util.ArrayList;
import java.util.List;

/**
 * One policy routing rule of the agent's: the agent's own UDP socket looks up the main table
 * ({@link RoutePlan#BYPASS_PREF}), everything else then the agent's table ({@link
 * RoutePlan#LOOKUP_PREF}).
 *
 * @param v6 IPv6 ({@code ip -6 rule}) or IPv4
 * @param pref the rule's priority, which also identifies it
 * @param selector what it matches and where it looks up ({@code ipproto udp sport 41641 lookup
 *     main})
 *     <p>Thread-safety: immutable.
 */
public record PolicyRule(boolean v6, int pref, List<String> selector) {
  public PolicyRule {
    selector = List.copyOf(selector);
  }

  /** The {@code ip} arguments that add it. */
  public List<String> addArgs() {
    List<String> a =
        new ArrayList<>(List.of(v6 ? "-6" : "-4", "rule", "add", "pref", Integer.toString(pref)));
    a.addAll(selector);
    return a;
  }

  /** The {@code ip} arguments that delete it (by its priority). */
  public List<String> deleteArgs() {
    return deleteArgs(v6, pref);
  }

  /** The {@code ip} arguments that delete a rule of priority {@code pref}. */
  public static List<String> deleteArgs(boolean v6, int pref) {
    return List.of(v6 ? "-6" : "-4", "rule", "del", "pref", Integer.toString(pref));
  }
}
