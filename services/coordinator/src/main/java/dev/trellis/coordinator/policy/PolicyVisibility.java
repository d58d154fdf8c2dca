package dev.trellis.coordinator.policy;

import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.netmap.PeerVisibility;
import dev.trellis.coordinator.netmap.TailnetView;
import dev.trellis.policyengine.compile.Change;
import dev.trellis.policyengine.compile.Node;
import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.tags.TagOwnership;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who sees whom and what may reach a node, from each tailnet's ACL policy: one {@link
 * TailnetPolicy} (an incremental compilation) per tailnet, the default policy until a {@code
 * PolicyUpdated} arrives. Only listed nodes (approved, addressed, not revoked; see {@link
 * NodeView#listed}) are compiled; two of them see each other if either may reach the other, and a
 * node whose key expired still appears, marked expired, to an authorized viewer (it sees nobody
 * itself: it must log in again). The model tells it every node change ({@link #nodeChanged}), each
 * new policy and each user's login and role; it answers {@link #sees} for the node as it was before
 * the last change through a snapshot of that node's old peers, so the stream hub's deltas compare
 * before and after correctly.
 *
 * <p>Thread-safety: not thread-safe; owned by the model's thread.
 */
public final class PolicyVisibility implements PeerVisibility {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyVisibility.class);

  private record User(String login, UserRole role) {}

  /**
   * The last node change: its node as it was, and the change's peer deltas. Whether node X (before)
   * saw P follows from now and the delta, since a change of X only changes pairs with X: P saw X
   * before iff it sees X now and did not just gain it, or it just lost it.
   */
  private record Pending(NodeView before, Change change) {
    boolean sawBefore(String other, boolean seesNow) {
      Change.PeerDelta d = change.peers().get(other);
      if (d == null) {
        return seesNow;
      }
      String x = before.id();
      return seesNow ? !d.added().contains(x) : d.removed().contains(x);
    }
  }

  private final Policy defaultPolicy = PolicyLoader.defaultPolicy();
  private final Map<String, TailnetPolicy> tailnets = new HashMap<>();
  private final Map<String, User> users = new HashMap<>();
  private Pending pending;
  private NodeView pendingFor;
  private Set<String> pendingFilters = Set.of();

  /** The last node change given to {@link #nodeChanged} and what it compiled to. */
  private ModelChange.NodeChanged lastChange;

  private Change lastCompiled;

  /** {@link #viewersOf} the last change, once asked (the hub and the changed node's frames ask). */
  private java.util.Collection<String> lastViewers;

  private TailnetPolicy tailnet(String id) {
    return tailnets.computeIfAbsent(id, k -> new TailnetPolicy(defaultPolicy));
  }

  @Override
  public boolean sees(NodeView viewer, NodeView peer) {
    if (!viewer.tailnetId().equals(peer.tailnetId()) || viewer.id().equals(peer.id())) {
      return false;
    }
    Pending p = pending;
    if (p != null && (viewer == p.before() || peer == p.before())) {
      if (!viewer.authorized()) {
        // compiled (listed) but expired: it is seen, it sees nobody
        return false;
      }
      NodeView other = viewer == p.before() ? peer : viewer;
      return p.sawBefore(other.id(), tailnet(viewer.tailnetId()).sees(other.id(), p.before().id()));
    }
    if (!viewer.authorized() || !peer.listed()) {
      return false;
    }
    return tailnet(viewer.tailnetId()).sees(viewer.id(), peer.id());
  }

  @Override
  public java.util.function.Predicate<NodeView> seenBy(NodeView viewer) {
    Pending p = pending;
    if (p != null && viewer == p.before()) {
      return peer -> sees(viewer, peer);
    }
    if (!viewer.authorized()) {
      return peer -> false;
    }
    Set<String> visible = tailnet(viewer.tailnetId()).visibleFrom(viewer.id());
    String tailnet = viewer.tailnetId();
    String self = viewer.id();
    return peer ->
        peer != (p == null ? null : p.before())
            ? peer.listed()
                && visible.contains(peer.id())
                && !peer.id().equals(self)
                && peer.tailnetId().equals(tailnet)
            : sees(viewer, peer);
  }

  @Override
  public PacketFilter filterFor(NodeView viewer, TailnetView t) {
    if (!viewer.authorized()) {
      return PacketFilter.getDefaultInstance();
    }
    return PacketFilter.newBuilder()
        .addAllRules(tailnet(viewer.tailnetId()).filterFor(viewer.id()))
        .build();
  }

  @Override
  public void nodeChanged(ModelChange.NodeChanged c) {
    TailnetPolicy tp = tailnet(c.tailnetId());
    String id = c.nodeId();
    Change change =
        c.after() != null && c.after().listed() ? tp.upsert(node(c.after())) : tp.remove(id);
    pending = c.before() == null ? null : new Pending(c.before(), change);
    pendingFilters = change.filtersChanged();
    pendingFor = c.before();
    lastChange = c;
    lastCompiled = change;
    lastViewers = null;
  }

  @Override
  public Optional<java.util.Collection<String>> viewersOf(ModelChange.NodeChanged c) {
    if (c != lastChange) {
      return Optional.empty();
    }
    if (lastViewers != null) {
      return Optional.of(lastViewers);
    }
    // Visibility is symmetric: who sees the node now is whom it sees now; whoever saw it before
    // and no longer does (or sees it newly) has a peer delta in the compiled change.
    Set<String> out = new java.util.HashSet<>(lastCompiled.peers().keySet());
    if (c.after() != null && c.after().listed()) {
      out.addAll(tailnet(c.tailnetId()).visibleFrom(c.nodeId()));
    }
    out.add(c.nodeId());
    lastViewers = java.util.Collections.unmodifiableSet(out);
    return Optional.of(lastViewers);
  }

  @Override
  public List<Set<String>> ownPeersChangedBy(ModelChange.NodeChanged c) {
    Change.PeerDelta d = c == lastChange ? lastCompiled.peers().get(c.nodeId()) : null;
    return d == null ? List.of(Set.of(), Set.of()) : List.of(d.added(), d.removed());
  }

  @Override
  public Set<String> filtersChangedBy(ModelChange.NodeChanged c) {
    return pendingFor == c.before() ? pendingFilters : Set.of();
  }

  @Override
  public Optional<ModelChange> policyUpdated(TailnetView t, String hujson) {
    PolicyLoader.Result r = PolicyLoader.load(hujson);
    if (!r.accepted()) {
      // The policy service accepted it; an engine that disagrees keeps the running policy.
      LOG.warn("Policy of tailnet {} refused here: {}", t.id(), r.problems());
      return Optional.empty();
    }
    pending = null;
    pendingFilters = Set.of();
    lastChange = null;
    return Optional.of(changed(t.id(), List.of(tailnet(t.id()).replace(r.policy().get()))));
  }

  @Override
  public Optional<ModelChange> userChanged(
      TailnetView t, String userId, String login, UserRole role) {
    User now = new User(login, role);
    if (now.equals(users.put(userId, now))) {
      return Optional.empty();
    }
    TailnetPolicy tp = tailnet(t.id());
    List<Change> changes = new ArrayList<>();
    for (NodeView n : t.nodes().values()) {
      if (n.userId().equals(userId) && n.listed()) {
        changes.add(tp.upsert(node(n)));
      }
    }
    pending = null;
    pendingFilters = Set.of();
    lastChange = null;
    return changes.isEmpty() ? Optional.empty() : Optional.of(changed(t.id(), changes));
  }

  @Override
  public boolean autoApproves(NodeView n, String route) {
    Policy p = tailnet(n.tailnetId()).policy();
    if (p.autoApprovers().equals(dev.trellis.policyengine.model.AutoApprovers.NONE)) {
      return false;
    }
    try {
      return p.autoApproves(node(n).identity(), IpPrefix.parse(route));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Optional<String> tagsRefused(
      String tailnetId, List<String> tags, List<String> keyTags, String userId) {
    User u = users.get(userId);
    TagOwnership.Decision d =
        TagOwnership.check(
            tailnet(tailnetId).policy(),
            Set.copyOf(tags),
            new TagOwnership.Requester(
                u == null ? userId : u.login(),
                u == null ? UserRole.MEMBER : u.role(),
                Set.copyOf(keyTags)));
    return d.allowed() ? Optional.empty() : Optional.of(d.reason());
  }

  /** Sequential changes folded into one: a peer added then removed is neither. */
  private static ModelChange.PolicyChanged changed(String tailnet, List<Change> changes) {
    Set<String> filters = new TreeSet<>();
    Map<String, Set<String>> added = new TreeMap<>();
    Map<String, Set<String>> removed = new TreeMap<>();
    for (Change c : changes) {
      filters.addAll(c.filtersChanged());
      c.peers()
          .forEach(
              (node, d) -> {
                Set<String> a = added.computeIfAbsent(node, k -> new LinkedHashSet<>());
                Set<String> r = removed.computeIfAbsent(node, k -> new LinkedHashSet<>());
                for (String p : d.added()) {
                  if (!r.remove(p)) {
                    a.add(p);
                  }
                }
                for (String p : d.removed()) {
                  if (!a.remove(p)) {
                    r.add(p);
                  }
                }
              });
    }
    added.values().removeIf(Set::isEmpty);
    removed.values().removeIf(Set::isEmpty);
    return new ModelChange.PolicyChanged(tailnet, filters, added, removed);
  }

  private Node node(NodeView n) {
    List<InetAddress> addresses = new ArrayList<>(2);
    for (String a : new String[] {n.ipv4(), n.ipv6()}) {
      if (!a.isEmpty()) {
        try {
          addresses.add(InetAddress.ofLiteral(a));
        } catch (IllegalArgumentException e) {
          LOG.warn("Node {} has an unreadable address {}", n.id(), a);
        }
      }
    }
    User u = users.get(n.userId());
    return new Node(
        n.id(),
        addresses,
        u == null || u.login().isEmpty() ? n.userId() : u.login(),
        u == null ? UserRole.MEMBER : u.role(),
        new java.util.TreeSet<>(n.tags()),
        routes(n));
  }

  /** The node's routes in force, for destinations that reach it through them. */
  private static List<IpPrefix> routes(NodeView n) {
    List<String> inForce = n.routes().inForce();
    if (inForce.isEmpty()) {
      return List.of();
    }
    List<IpPrefix> out = new ArrayList<>(inForce.size());
    for (String r : inForce) {
      out.add(IpPrefix.parse(r));
    }
    return out;
  }
}
