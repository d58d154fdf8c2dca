package dev.trellis.policyengine.compile;

import dev.trellis.policyengine.model.Identity;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.PortRange;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.model.Target;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One tailnet's policy compiled against its nodes: for every node, the peers it may see (two nodes
 * see each other if either may reach the other) and its inbound packet filter as {@link
 * FilterRule}s — kept up to date as nodes join, leave or change, touching only what a change
 * affects.
 *
 * <p>How: the policy is cut into <em>units</em>, one per (rule, destination). Each node's
 * membership — which rules it may send under, which units it is a destination of — is computed once
 * when it joins or changes (cost: the number of selectors), and indexes map every rule and unit to
 * its member nodes. A unit's {@link FilterRule} does not depend on the node receiving it (its
 * destination is "*", this node, or a literal prefix), so one immutable message is built per unit
 * and shared by all its destination nodes; it is rebuilt only when its sources change. A node
 * change therefore costs about (rules touching it × nodes those rules match), never a pass over all
 * pairs. {@code autogroup:self} units keep one shared message per user.
 *
 * <p>Peer sets are kept per visibility class ({@link VisibilityClasses}), not per node: nodes with
 * the same source rules, destination units (and user, under {@code autogroup:self}) see the same
 * peers, so the default allow-all policy keeps one set for the whole tailnet and {@link #sees} is
 * one look-up.
 *
 * <p>Thread-safety: not thread-safe. One writer per tailnet (e.g. the tailnet's partition owner)
 * calls every method; readers on other threads need their own snapshot of the returned values.
 */
public final class Compilation {
  private final Policy policy;
  private final int ruleCount;
  private final int unitCount;
  private final int[] unitRule;
  private final Target[] unitTarget;
  private final boolean[] unitSelf;
  private final List<DestinationPorts>[] unitDestinations;
  private final int[][] ruleUnits;
  private final boolean[] ruleAnySource;
  private final List<IpPrefix>[] ruleLiteralSources;
  private final List<IpPrefix>[] ruleLiteralPrefixes;
  private final List<Integer>[] ruleProtocols;

  private final Map<String, NodeState> nodes = new HashMap<>();
  private final Map<String, TreeSet<String>> userNodes = new HashMap<>();
  private final TreeSet<String>[] srcAll;
  private final TreeSet<String>[] srcByIdentity;
  private final TreeSet<String>[] unitNodes;
  private final FilterRule[] unitCache;
  private final boolean[] unitCached;
  private final Map<String, FilterRule>[] selfCache;

  private final boolean hasSelfUnits;
  private final VisibilityClasses classes = new VisibilityClasses();

  private record NodeState(
      Node node,
      Identity identity,
      List<IpPrefix> prefixes,
      BitSet src,
      BitSet srcId,
      BitSet dst,
      VisibilityClasses.Key key) {
    boolean userOwned() {
      return identity.userOwned();
    }
  }

  /** From how many nodes a compilation works out their states in parallel. */
  private static final int PARALLEL_STATES = 2_000;

  /** Compiles the policy for these nodes (a full compile). */
  @SuppressWarnings("unchecked")
  public Compilation(Policy policy, Collection<Node> initial) {
    this.policy = policy;
    List<Rule> rules = policy.rules();
    ruleCount = rules.size();
    List<int[]> units = new ArrayList<>();
    ruleUnits = new int[ruleCount][];
    ruleAnySource = new boolean[ruleCount];
    ruleLiteralSources = new List[ruleCount];
    ruleLiteralPrefixes = new List[ruleCount];
    ruleProtocols = new List[ruleCount];
    for (int r = 0; r < ruleCount; r++) {
      Rule rule = rules.get(r);
      ruleUnits[r] = new int[rule.dst().size()];
      for (int t = 0; t < rule.dst().size(); t++) {
        ruleUnits[r][t] = units.size();
        units.add(new int[] {r, t});
      }
      LinkedHashSet<IpPrefix> literal = new LinkedHashSet<>();
      List<IpPrefix> literalPrefixes = new ArrayList<>();
      for (Selector s : rule.src()) {
        ruleAnySource[r] |= s instanceof Selector.Any;
        if (s.prefixOrNull() != null) {
          literal.add(s.prefixOrNull());
          literalPrefixes.add(s.prefixOrNull());
        }
      }
      ruleLiteralPrefixes[r] = List.copyOf(literalPrefixes);
      ruleLiteralSources[r] = List.copyOf(literal);
      ruleProtocols[r] = rule.protocols().stream().sorted().toList();
    }
    unitCount = units.size();
    unitRule = new int[unitCount];
    unitTarget = new Target[unitCount];
    unitSelf = new boolean[unitCount];
    unitDestinations = new List[unitCount];
    for (int u = 0; u < unitCount; u++) {
      unitRule[u] = units.get(u)[0];
      unitTarget[u] = rules.get(unitRule[u]).dst().get(units.get(u)[1]);
      unitSelf[u] = unitTarget[u].selector() instanceof Selector.Self;
      unitDestinations[u] = destinations(unitTarget[u]);
    }
    boolean self = false;
    for (boolean b : unitSelf) {
      self |= b;
    }
    hasSelfUnits = self;
    srcAll = newSets(ruleCount);
    srcByIdentity = newSets(ruleCount);
    unitNodes = newSets(unitCount);
    unitCache = new FilterRule[unitCount];
    unitCached = new boolean[unitCount];
    selfCache = new Map[unitCount];
    for (int u = 0; u < unitCount; u++) {
      selfCache[u] = new HashMap<>();
    }
    // A node's state depends only on the policy and the node, so a large tailnet's are worked out
    // on every core (a recompile is on the path of every policy change); the indexes are filled
    // in one thread, in the given order.
    List<NodeState> states =
        (initial.size() >= PARALLEL_STATES ? initial.parallelStream() : initial.stream())
            .map(this::state)
            .toList();
    for (NodeState s : states) {
      if (nodes.put(s.node().id(), s) != null) {
        throw new IllegalArgumentException("duplicate node id " + s.node().id());
      }
      index(s, true);
    }
  }

  @SuppressWarnings("unchecked")
  private static TreeSet<String>[] newSets(int n) {
    TreeSet<String>[] a = new TreeSet[n];
    for (int i = 0; i < n; i++) {
      a[i] = new TreeSet<>();
    }
    return a;
  }

  /** A target's destination prefixes: its literal prefix, both default routes, or "*". */
  static List<String> destinationPrefixes(Selector s) {
    if (s instanceof Selector.Internet) {
      return List.of(AdvertisedRoutes.EXIT_V4.toString(), AdvertisedRoutes.EXIT_V6.toString());
    }
    IpPrefix p = s.prefixOrNull();
    return List.of(p == null ? "*" : p.toString());
  }

  private static List<DestinationPorts> destinations(Target t) {
    List<DestinationPorts> out = new ArrayList<>();
    for (String prefix : destinationPrefixes(t.selector())) {
      for (PortRange r : t.ports()) {
        DestinationPorts.Builder b = DestinationPorts.newBuilder().setPrefix(prefix);
        if (!r.equals(PortRange.ALL)) {
          b.setPorts(
              dev.trellis.proto.control.v1.PortRange.newBuilder()
                  .setFirst(r.first())
                  .setLast(r.last()));
        }
        out.add(b.build());
      }
    }
    return List.copyOf(out);
  }

  /** The policy compiled. */
  public Policy policy() {
    return policy;
  }

  /** The node with this id, or null. */
  public Node node(String id) {
    NodeState s = nodes.get(id);
    return s == null ? null : s.node();
  }

  /** The ids of all nodes (a copy). */
  public Set<String> nodeIds() {
    return Set.copyOf(nodes.keySet());
  }

  /** Number of nodes. */
  public int size() {
    return nodes.size();
  }

  private NodeState state(Node n) {
    Identity id = n.identity();
    BitSet src = new BitSet(ruleCount);
    BitSet srcId = new BitSet(ruleCount);
    List<Rule> rules = policy.rules();
    for (int r = 0; r < ruleCount; r++) {
      for (Selector s : rules.get(r).src()) {
        if (policy.matches(s, id)) {
          src.set(r);
          if (s.prefixOrNull() == null && !(s instanceof Selector.Any)) {
            srcId.set(r);
            break;
          }
        }
      }
    }
    BitSet dst = new BitSet(unitCount);
    for (int u = 0; u < unitCount; u++) {
      if (unitSelf[u]
          ? id.userOwned()
          : policy.matchesDestination(unitTarget[u].selector(), id, n.routes())) {
        dst.set(u);
      }
    }
    List<IpPrefix> prefixes = n.addresses().stream().map(IpPrefix::of).toList();
    String user = hasSelfUnits && id.userOwned() ? id.user() : null;
    return new NodeState(
        n, id, prefixes, src, srcId, dst, new VisibilityClasses.Key(src, dst, user));
  }

  private void index(NodeState s, boolean add) {
    String id = s.node().id();
    if (add) {
      classes.join(id, s.key());
    } else {
      classes.leave(id, s.key());
    }
    for (int r = s.src().nextSetBit(0); r >= 0; r = s.src().nextSetBit(r + 1)) {
      update(srcAll[r], id, add);
    }
    for (int r = s.srcId().nextSetBit(0); r >= 0; r = s.srcId().nextSetBit(r + 1)) {
      update(srcByIdentity[r], id, add);
    }
    for (int u = s.dst().nextSetBit(0); u >= 0; u = s.dst().nextSetBit(u + 1)) {
      update(unitNodes[u], id, add);
    }
    if (s.userOwned()) {
      if (add) {
        userNodes.computeIfAbsent(s.identity().user(), k -> new TreeSet<>()).add(id);
      } else {
        TreeSet<String> set = userNodes.get(s.identity().user());
        set.remove(id);
        if (set.isEmpty()) {
          userNodes.remove(s.identity().user());
        }
      }
    }
  }

  private static void update(TreeSet<String> set, String id, boolean add) {
    if (add) {
      set.add(id);
    } else {
      set.remove(id);
    }
  }

  /**
   * Adds a node or replaces it (new tags, addresses, user, role or routes in force); returns what
   * changed.
   */
  public Change upsert(Node n) {
    NodeState old = nodes.get(n.id());
    if (old != null && old.node().equals(n)) {
      return Change.NONE;
    }
    return apply(n.id(), old, state(n));
  }

  /** Removes a node; returns what changed for the others. */
  public Change remove(String id) {
    NodeState old = nodes.get(id);
    return old == null ? Change.NONE : apply(id, old, null);
  }

  private Change apply(String id, NodeState old, NodeState now) {
    // The class sets (which may hold id itself; skipped below): only pairs with id change here, so
    // the old class's set is exact before the change and the new class's after the index update.
    Set<String> oldPeers = old == null ? Set.of() : classes.peers(id, () -> reach(old));
    Set<String> filters = new java.util.HashSet<>();
    Set<String> users = new TreeSet<>();
    boolean sameAddresses = old != null && now != null && old.prefixes().equals(now.prefixes());
    boolean sameOwner =
        old != null
            && now != null
            && old.userOwned() == now.userOwned()
            && java.util.Objects.equals(old.identity().user(), now.identity().user());
    List<Integer> changedUnits = new ArrayList<>();
    for (int r = 0; r < ruleCount; r++) {
      boolean idOld = old != null && old.srcId().get(r);
      boolean idNew = now != null && now.srcId().get(r);
      boolean sharedChanged = idOld != idNew || (idNew && !sameAddresses);
      boolean selfOld = old != null && old.src().get(r) && old.userOwned();
      boolean selfNew = now != null && now.src().get(r) && now.userOwned();
      boolean selfChanged = selfOld != selfNew || (selfNew && !(sameAddresses && sameOwner));
      for (int u : ruleUnits[r]) {
        if (unitSelf[u] && selfChanged) {
          for (NodeState s : new NodeState[] {old, now}) {
            if (s != null && s.userOwned()) {
              selfCache[u].remove(s.identity().user());
              users.add(s.identity().user());
            }
          }
        } else if (!unitSelf[u] && sharedChanged && !ruleAnySource[r]) {
          unitCached[u] = false;
          unitCache[u] = null;
          changedUnits.add(u);
        }
      }
    }
    if (old != null) {
      index(old, false);
      nodes.remove(id);
    }
    if (now != null) {
      nodes.put(id, now);
      index(now, true);
      filters.add(id);
    }
    for (int u : changedUnits) {
      filters.addAll(unitNodes[u]);
    }
    for (String user : users) {
      filters.addAll(userNodes.getOrDefault(user, new TreeSet<>()));
    }
    Set<String> newPeers = now == null ? Set.of() : classes.peers(id, () -> reach(now));
    Map<String, Change.PeerDelta> deltas = new HashMap<>();
    Set<String> mine = Set.of(id);
    List<String> gained = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (String k : oldPeers) {
      if (!k.equals(id) && !newPeers.contains(k)) {
        deltas.put(k, new Change.PeerDelta(Set.of(), mine));
        lost.add(k);
      }
    }
    for (String k : newPeers) {
      if (!k.equals(id) && !oldPeers.contains(k)) {
        deltas.put(k, new Change.PeerDelta(mine, Set.of()));
        gained.add(k);
      }
    }
    // Only now (not while iterating them) do the other classes' sets take the change.
    for (String k : lost) {
      classes.delta(k, id, false);
    }
    for (String k : gained) {
      classes.delta(k, id, true);
    }
    if (now != null && (!gained.isEmpty() || !lost.isEmpty())) {
      deltas.put(id, new Change.PeerDelta(new TreeSet<>(gained), new TreeSet<>(lost)));
    }
    return new Change(filters, deltas);
  }

  /**
   * Whether {@code viewer} may see {@code peer} (both compiled, not the same node): a look-up in
   * the peer set kept once per visibility class ({@link VisibilityClasses}).
   */
  public boolean sees(String viewer, String peer) {
    NodeState s = nodes.get(viewer);
    if (s == null || viewer.equals(peer) || !nodes.containsKey(peer)) {
      return false;
    }
    return classes.peers(viewer, () -> reach(s)).contains(peer);
  }

  /**
   * The ids {@code viewer} may see as one set to test many peers against (a full netmap): its
   * class's set, which may hold {@code viewer} itself, so callers skip it. Empty for an unknown
   * node. A view valid until the next change; do not keep it.
   */
  public Set<String> visibleFrom(String viewer) {
    return java.util.Collections.unmodifiableSet(classPeers(viewer));
  }

  /** The number of visibility classes (nodes that see the same peers share one). */
  public int visibilityClasses() {
    return classes.size();
  }

  /** Identifies {@code id}'s visibility class (same object for nodes that see alike), or null. */
  Object visibilityClass(String id) {
    return classes.of(id);
  }

  /** The peer set of {@code id}'s class, which may hold {@code id} itself; do not modify. */
  Set<String> classPeers(String id) {
    NodeState s = nodes.get(id);
    return s == null ? Set.of() : classes.peers(id, () -> reach(s));
  }

  /** The peers this node may see, sorted by id; empty for an unknown node (a fresh computation). */
  public TreeSet<String> peersOf(String id) {
    NodeState s = nodes.get(id);
    if (s == null) {
      return new TreeSet<>();
    }
    TreeSet<String> out = reach(s);
    out.remove(id);
    return out;
  }

  /** Every node {@code s} sees, itself included when its rules reach it. */
  private TreeSet<String> reach(NodeState s) {
    TreeSet<String> out = new TreeSet<>();
    TreeSet<String> own =
        s.userOwned() ? userNodes.getOrDefault(s.identity().user(), new TreeSet<>()) : null;
    for (int r = s.src().nextSetBit(0); r >= 0; r = s.src().nextSetBit(r + 1)) {
      for (int u : ruleUnits[r]) {
        if (!unitSelf[u]) {
          out.addAll(unitNodes[u]);
        } else if (own != null) {
          out.addAll(own);
        }
      }
    }
    for (int u = s.dst().nextSetBit(0); u >= 0; u = s.dst().nextSetBit(u + 1)) {
      int r = unitRule[u];
      if (!unitSelf[u]) {
        out.addAll(srcAll[r]);
      } else {
        for (String k : own) {
          if (nodes.get(k).src().get(r)) {
            out.add(k);
          }
        }
      }
    }
    return out;
  }

  /** The node's inbound packet filter, in policy order; empty for an unknown node. */
  public List<FilterRule> filterFor(String id) {
    NodeState s = nodes.get(id);
    if (s == null) {
      return List.of();
    }
    List<FilterRule> out = new ArrayList<>();
    for (int u = s.dst().nextSetBit(0); u >= 0; u = s.dst().nextSetBit(u + 1)) {
      FilterRule f = unitSelf[u] ? selfRule(u, s.identity().user()) : sharedRule(u);
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  private FilterRule sharedRule(int u) {
    if (!unitCached[u]) {
      int r = unitRule[u];
      if (ruleAnySource[r]) {
        unitCache[u] = build(u, true, List.of());
      } else {
        LinkedHashSet<IpPrefix> set = new LinkedHashSet<>(ruleLiteralSources[r]);
        for (String k : srcByIdentity[r]) {
          set.addAll(nodes.get(k).prefixes());
        }
        unitCache[u] = set.isEmpty() ? null : build(u, false, set);
      }
      unitCached[u] = true;
    }
    return unitCache[u];
  }

  private FilterRule selfRule(int u, String user) {
    Map<String, FilterRule> cache = selfCache[u];
    if (cache.containsKey(user)) {
      return cache.get(user);
    }
    int r = unitRule[u];
    LinkedHashSet<IpPrefix> src = new LinkedHashSet<>();
    for (String k : userNodes.getOrDefault(user, new TreeSet<>())) {
      NodeState s = nodes.get(k);
      if (s.srcId().get(r) || ruleAnySource[r]) {
        src.addAll(s.prefixes());
      } else if (s.src().get(r)) {
        // Matched only by a literal source prefix: only its addresses inside that prefix.
        for (InetAddress a : s.node().addresses()) {
          for (IpPrefix p : ruleLiteralPrefixes[r]) {
            if (p.contains(a)) {
              src.add(IpPrefix.of(a));
            }
          }
        }
      }
    }
    FilterRule f = src.isEmpty() ? null : build(u, false, src);
    cache.put(user, f);
    return f;
  }

  private FilterRule build(int u, boolean anySource, Collection<IpPrefix> src) {
    return FilterSources.set(FilterRule.newBuilder(), anySource, src)
        .addAllDestinations(unitDestinations[u])
        .addAllIpProtocols(ruleProtocols[unitRule[u]])
        .build();
  }
}
