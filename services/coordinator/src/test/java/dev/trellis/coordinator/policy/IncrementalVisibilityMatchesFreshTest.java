package dev.trellis.coordinator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.netmap.TailnetView;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeKeyRevoked;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeTagsChanged;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The visibility kept up to date change by change (joins, retags, key expiries and revocations,
 * removals, a policy edit half-way, with its cached peer sets following each change) answers "does
 * V see P" and "V's filter" exactly as a visibility built fresh from the final nodes does, for
 * every pair, over seeded random runs; and the viewers it names for a node change cover every node
 * the change gives a frame.
 */
class IncrementalVisibilityMatchesFreshTest {
  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();

  static final String POLICY =
      """
      {
        "groups": {"group:dev": ["u0@example.com", "u1@example.com"]},
        "tagOwners": {"tag:db": ["group:dev"], "tag:web": ["group:dev"]},
        "acls": [
          {"action": "accept", "src": ["group:dev"], "dst": ["tag:web:443"]},
          {"action": "accept", "src": ["tag:web"], "dst": ["tag:db:5432"]},
          {"action": "accept", "src": ["u2@example.com"], "dst": ["autogroup:self:*"]},
        ],
      }
      """;

  /** Each change the model reports, as it happens (null: not watched). */
  private java.util.function.Consumer<ModelChange> watch;

  private void apply(NetmapModel m, Events ev, Actor a, String agg, Message p) {
    m.apply(
        ev.draft("t1", agg, a, p).build(),
        c -> {
          if (watch != null) {
            watch.accept(c);
          }
        });
  }

  private void user(NetmapModel m, int u) {
    apply(
        m,
        events,
        actor,
        "u" + u,
        UserCreated.newBuilder()
            .setUserId("u" + u)
            .setEmail("u" + u + "@example.com")
            .setRole(UserRole.MEMBER)
            .build());
  }

  private void join(NetmapModel m, int n, String user, List<String> tags) {
    byte[] k = new byte[32];
    k[0] = (byte) n;
    k[1] = (byte) (n >> 8);
    apply(
        m,
        events,
        actor,
        "n" + n,
        NodeRegistered.newBuilder()
            .setNodeId("n" + n)
            .setMachineKey(ByteString.copyFrom(k))
            .setNodeKey(ByteString.copyFrom(k))
            .setName("h" + n)
            .setUserId(tags.isEmpty() ? user : "")
            .addAllTags(tags)
            .setApproved(true)
            .build());
    apply(
        m,
        events,
        actor,
        "n" + n,
        AddressAllocated.newBuilder()
            .setNodeId("n" + n)
            .setIpv4("100.64." + (n >> 8) + "." + (n & 255))
            .build());
  }

  @Test
  void viewersOfANodeChangeCoverEveryNodeItGivesAFrame() {
    for (long seed = 1; seed <= 20; seed++) {
      PolicyVisibility live = new PolicyVisibility();
      NetmapModel model = new NetmapModel(live);
      NetmapFrames frames = new NetmapFrames(live);
      // The same visibility without viewersOf: frames built by asking every node.
      NetmapFrames askAll =
          new NetmapFrames(
              new dev.trellis.coordinator.netmap.PeerVisibility() {
                @Override
                public boolean sees(NodeView viewer, NodeView peer) {
                  return live.sees(viewer, peer);
                }

                @Override
                public java.util.function.Predicate<NodeView> seenBy(NodeView viewer) {
                  return live.seenBy(viewer);
                }

                @Override
                public dev.trellis.proto.control.v1.PacketFilter filterFor(
                    NodeView viewer, TailnetView t) {
                  return live.filterFor(viewer, t);
                }

                @Override
                public java.util.List<java.util.Set<String>> ownPeersChangedBy(
                    ModelChange.NodeChanged c) {
                  return live.ownPeersChangedBy(c);
                }
              });
      long s = seed;
      int[] checked = {0};
      watch =
          c -> {
            if (!(c instanceof ModelChange.NodeChanged nc)) {
              return;
            }
            java.util.Collection<String> viewers = live.viewersOf(nc).orElseThrow();
            TailnetView t = model.tailnet("t1");
            NodeView self = nc.after() != null ? nc.after() : nc.before();
            assertEquals(
                normalized(askAll.delta(self, nc, t)),
                normalized(frames.delta(self, nc, t)),
                "seed " + s + ": the changed node's own frames");
            for (NodeView v : t.nodes().values()) {
              if (!frames.delta(v, nc, t).isEmpty()) {
                checked[0]++;
                assertTrue(
                    viewers.contains(v.id()),
                    "seed " + s + ": " + v.id() + " gets a frame for " + nc.nodeId());
              }
            }
          };
      randomRun(seed, live, model);
      assertTrue(checked[0] > 0, "seed " + seed + ": no change gave any frame");
    }
    watch = null;
  }

  /** Frames with their peer and profile lists in id order (the order carries no meaning). */
  private static List<dev.trellis.proto.control.v1.MapResponse> normalized(
      List<dev.trellis.proto.control.v1.MapResponse> frames) {
    List<dev.trellis.proto.control.v1.MapResponse> out = new ArrayList<>();
    for (var f : frames) {
      var b = f.toBuilder();
      if (f.hasPeersAdded()) {
        List<dev.trellis.proto.control.v1.Node> peers =
            new ArrayList<>(f.getPeersAdded().getPeersList());
        peers.sort(java.util.Comparator.comparing(dev.trellis.proto.control.v1.Node::getId));
        b.getPeersAddedBuilder().clearPeers().addAllPeers(peers);
        var profiles = new ArrayList<>(f.getPeersAdded().getUserProfilesList());
        profiles.sort(
            java.util.Comparator.comparing(dev.trellis.proto.control.v1.UserProfile::getUserId));
        b.getPeersAddedBuilder().clearUserProfiles().addAllUserProfiles(profiles);
      }
      if (f.hasPeersRemoved()) {
        List<String> ids = new ArrayList<>(f.getPeersRemoved().getNodeIdsList());
        ids.sort(null);
        b.getPeersRemovedBuilder().clearNodeIds().addAllNodeIds(ids);
      }
      out.add(b.build());
    }
    return out;
  }

  @Test
  void randomRunsMatchAFreshBuild() {
    for (long seed = 1; seed <= 20; seed++) {
      PolicyVisibility live = new PolicyVisibility();
      NetmapModel model = new NetmapModel(live);
      randomRun(seed, live, model);
      checkAgainstFresh(seed, live, model);
    }
  }

  /** Sixty random joins, retags and removals, with the policy replaced half-way. */
  private void randomRun(long seed, PolicyVisibility live, NetmapModel model) {
    {
      Random r = new Random(seed);
      for (int u = 0; u < 4; u++) {
        user(model, u);
      }
      List<String> tagChoices = List.of("", "tag:db", "tag:web");
      int next = 1;
      for (int step = 0; step < 60; step++) {
        if (step == 30) {
          apply(
              model,
              events,
              actor,
              "t1",
              PolicyUpdated.newBuilder().setHujson(POLICY).setVersion(1).build());
        }
        List<String> ids = new ArrayList<>(model.tailnet("t1").nodes().keySet());
        int op = r.nextInt(12);
        if (op < 6 || ids.isEmpty()) {
          String tag = tagChoices.get(r.nextInt(3));
          join(model, next++, "u" + r.nextInt(4), tag.isEmpty() ? List.of() : List.of(tag));
        } else if (op < 8) {
          String id = ids.get(r.nextInt(ids.size()));
          String tag = tagChoices.get(1 + r.nextInt(2));
          apply(
              model,
              events,
              actor,
              id,
              NodeTagsChanged.newBuilder().setNodeId(id).addNewTags(tag).setUserId("").build());
        } else if (op == 8) {
          // an expired node stays listed for others (marked expired) and sees nobody
          String id = ids.get(r.nextInt(ids.size()));
          apply(model, events, actor, id, NodeKeyExpired.newBuilder().setNodeId(id).build());
        } else if (op == 9) {
          String id = ids.get(r.nextInt(ids.size()));
          apply(model, events, actor, id, NodeKeyRevoked.newBuilder().setNodeId(id).build());
        } else {
          String id = ids.get(r.nextInt(ids.size()));
          apply(model, events, actor, id, NodeRemoved.newBuilder().setNodeId(id).build());
        }
        // Sessions ask between changes, so the cached peer sets are live while changes arrive.
        for (NodeView v : model.tailnet("t1").nodes().values()) {
          for (NodeView p : model.tailnet("t1").nodes().values()) {
            live.sees(v, p);
          }
        }
      }
    }
  }

  private void checkAgainstFresh(long seed, PolicyVisibility live, NetmapModel model) {
    {
      PolicyVisibility fresh = new PolicyVisibility();
      NetmapModel freshModel = new NetmapModel(fresh);
      for (int u = 0; u < 4; u++) {
        user(freshModel, u);
      }
      apply(
          freshModel,
          events,
          actor,
          "t1",
          PolicyUpdated.newBuilder().setHujson(POLICY).setVersion(1).build());
      TailnetView t = model.tailnet("t1");
      for (NodeView n : t.nodes().values()) {
        int num = Integer.parseInt(n.id().substring(1));
        join(freshModel, num, n.userId(), n.tags());
        if (n.expired()) {
          apply(
              freshModel,
              events,
              actor,
              n.id(),
              NodeKeyExpired.newBuilder().setNodeId(n.id()).build());
        }
        if (n.revoked()) {
          apply(
              freshModel,
              events,
              actor,
              n.id(),
              NodeKeyRevoked.newBuilder().setNodeId(n.id()).build());
        }
      }
      TailnetView ft = freshModel.tailnet("t1");
      for (NodeView v : t.nodes().values()) {
        assertEquals(
            fresh.filterFor(ft.nodes().get(v.id()), ft), live.filterFor(v, t), "seed " + seed);
        for (NodeView p : t.nodes().values()) {
          assertEquals(
              fresh.sees(ft.nodes().get(v.id()), ft.nodes().get(p.id())),
              live.sees(v, p),
              "seed " + seed + ": " + v.id() + " sees " + p.id());
        }
      }
    }
  }
}
