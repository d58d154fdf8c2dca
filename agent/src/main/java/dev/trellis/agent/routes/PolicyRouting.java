package dev.trellis.agent.routes;

import dev.trellis.agent.netconf.IpCommand;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Installs a {@link RoutePlan} through iproute2 by difference to the plan installed last: rules and
 * routes no longer wanted are deleted, new ones added (routes with {@code replace}, so a route
 * whose source changed is updated in place), and the unchanged ones are left alone. {@link #clear}
 * removes everything this agent can have installed, also what a crashed run left: the whole table
 * {@value RoutePlan#TABLE} and every rule at the agent's priorities.
 *
 * <p>Thread-safety: guarded by {@code this}.
 */
public final class PolicyRouting {
  private final IpCommand ip;
  private RoutePlan installed = RoutePlan.EMPTY; // guarded by this

  public PolicyRouting(IpCommand ip) {
    this.ip = ip;
  }

  /** The plan as installed. */
  public synchronized RoutePlan installed() {
    return installed;
  }

  /**
   * Makes the kernel's state {@code next}. A failing command stops the change and leaves the
   * installed plan as what was done so far, so the next call tries again.
   */
  public synchronized void apply(RoutePlan next) throws IOException {
    Set<PolicyRule> rules = new LinkedHashSet<>(installed.rules());
    Set<TableRoute> routes = new LinkedHashSet<>(installed.routes());
    try {
      // rules first: with the table still full, no packet takes a route half removed
      for (PolicyRule r : installed.rules()) {
        if (!next.rules().contains(r)) {
          ignoreMissing(r.deleteArgs());
          rules.remove(r);
        }
      }
      for (TableRoute r : installed.routes()) {
        if (!next.routes().contains(r) && !samePrefix(next.routes(), r)) {
          ignoreMissing(r.deleteArgs());
          routes.remove(r);
        } else if (!next.routes().contains(r)) {
          routes.remove(r); // replaced below
        }
      }
      // routes before rules: the bypasses are in place before the table is consulted
      for (TableRoute r : next.routes()) {
        if (!installed.routes().contains(r)) {
          ip.run(r.installArgs().toArray(String[]::new));
          routes.add(r);
        }
      }
      for (PolicyRule r : next.rules()) {
        if (!installed.rules().contains(r)) {
          ignoreMissing(r.deleteArgs()); // a leftover at our priority
          ip.run(r.addArgs().toArray(String[]::new));
          rules.add(r);
        }
      }
    } finally {
      installed = new RoutePlan(new ArrayList<>(routes), new ArrayList<>(rules));
    }
  }

  /** Removes the agent's rules and table {@value RoutePlan#TABLE}, whatever installed them. */
  public synchronized void clear() {
    for (boolean v6 : List.of(false, true)) {
      for (int pref : List.of(RoutePlan.BYPASS_PREF, RoutePlan.LOOKUP_PREF)) {
        for (int i = 0; i < 16 && deleted(PolicyRule.deleteArgs(v6, pref)); i++) {
          // a rule may have been added more than once
        }
      }
      ignoreMissing(
          List.of(v6 ? "-6" : "-4", "route", "flush", "table", Integer.toString(RoutePlan.TABLE)));
    }
    installed = RoutePlan.EMPTY;
  }

  private static boolean samePrefix(List<TableRoute> routes, TableRoute r) {
    return routes.stream()
        .anyMatch(x -> x.prefix().equals(r.prefix()) && x.isThrow() == r.isThrow());
  }

  private boolean deleted(List<String> args) {
    try {
      ip.run(args.toArray(String[]::new));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void ignoreMissing(List<String> args) {
    deleted(args);
  }
}
