package dev.trellis.coordinator.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.stream.Encoded;
import dev.trellis.coordinator.stream.FrameSink;
import dev.trellis.coordinator.stream.StreamHub;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeTagsChanged;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's model and stream hub with the policy-backed visibility: the default policy lets
 * everyone see everyone; a policy edit sends PeersRemoved/PeersAdded and packet_filter_changed only
 * to the affected sessions; joins, retags and removals under a policy reach only the nodes they
 * concern; every full netmap's filter comes from the compilation.
 */
class PolicyStreamTest {
  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();
  private final PolicyVisibility policy = new PolicyVisibility();
  private final NetmapModel model = new NetmapModel(policy);
  private final StreamHub hub =
      new StreamHub(
          model,
          new NetmapFrames(policy),
          Clock.systemUTC(),
          System::nanoTime,
          64,
          15_000_000_000L,
          60_000_000_000L);

  static final String ALPHA_TO_BRAVO_5201 =
      """
      {
        "tagOwners": {"tag:server": ["alice@example.com"]},
        "acls": [{"action": "accept", "src": ["alice@example.com"], "dst": ["tag:server:5201"]}],
      }
      """;

  private static final class Sink implements FrameSink {
    final List<MapResponse> frames = new ArrayList<>();

    @Override
    public void send(MapResponse frame, byte[] encoded) {
      frames.add(Encoded.checked(frame, encoded));
    }

    @Override
    public void ended() {}

    List<MapResponse> since(int n) {
      return frames.subList(n, frames.size());
    }
  }

  private void apply(String aggregate, Message payload) {
    model.apply(events.draft("t1", aggregate, actor, payload).build(), hub::onChange);
  }

  private void join(String id, int n, String user, String... tags) {
    apply(
        id,
        NodeRegistered.newBuilder()
            .setNodeId(id)
            .setMachineKey(key(n))
            .setNodeKey(key(n + 100))
            .setName("host" + n)
            .setUserId(user)
            .addAllTags(List.of(tags))
            .setApproved(true)
            .build());
    apply(
        id,
        AddressAllocated.newBuilder()
            .setNodeId(id)
            .setIpv4("100.64.0." + n)
            .setIpv6("fd7a::" + n)
            .build());
  }

  private static ByteString key(int n) {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    return ByteString.copyFrom(b);
  }

  private Sink open(String id) {
    Sink s = new Sink();
    assertNotNull(hub.open(model.node(id).orElseThrow(), s, "", 0).token());
    return s;
  }

  private static Set<String> peers(MapResponse full) {
    return full.getFull().getPeersList().stream().map(p -> p.getId()).collect(Collectors.toSet());
  }

  private void users() {
    apply("t1", TailnetCreated.newBuilder().setName("acme").build());
    apply(
        "ua",
        UserCreated.newBuilder()
            .setUserId("ua")
            .setEmail("alice@example.com")
            .setRole(UserRole.MEMBER)
            .build());
    apply(
        "ub",
        UserCreated.newBuilder()
            .setUserId("ub")
            .setEmail("bob@example.com")
            .setRole(UserRole.MEMBER)
            .build());
  }

  @Test
  void aPolicyEditReachesOnlyTheAffectedSessions() {
    users();
    join("alpha", 1, "ua");
    join("bravo", 2, "ub", "tag:server");
    join("charlie", 3, "ub");
    Sink alpha = open("alpha");
    Sink bravo = open("bravo");
    Sink charlie = open("charlie");
    assertEquals(Set.of("bravo", "charlie"), peers(alpha.frames.get(0)), "default: all see all");
    int a0 = alpha.frames.size();
    int b0 = bravo.frames.size();
    int c0 = charlie.frames.size();

    apply("t1", PolicyUpdated.newBuilder().setHujson(ALPHA_TO_BRAVO_5201).setVersion(1).build());

    List<MapResponse> toAlpha = alpha.since(a0);
    assertTrue(
        toAlpha.stream()
            .anyMatch(
                f ->
                    f.hasPeersRemoved()
                        && f.getPeersRemoved().getNodeIdsList().contains("charlie")),
        toAlpha.toString());
    assertTrue(toAlpha.stream().anyMatch(MapResponse::hasPacketFilterChanged), "alpha's filter");
    assertEquals(
        0,
        toAlpha.stream()
            .filter(MapResponse::hasPacketFilterChanged)
            .findFirst()
            .orElseThrow()
            .getPacketFilterChanged()
            .getRulesCount(),
        "nobody may reach alpha");

    List<MapResponse> toBravo = bravo.since(b0);
    FilterRule rule =
        toBravo.stream()
            .filter(MapResponse::hasPacketFilterChanged)
            .findFirst()
            .orElseThrow()
            .getPacketFilterChanged()
            .getRules(0);
    assertEquals(List.of("100.64.0.1/32", "fd7a::1/128"), FilterSources.text(rule));
    assertEquals(5201, rule.getDestinations(0).getPorts().getFirst());
    assertTrue(
        toBravo.stream()
            .anyMatch(
                f ->
                    f.hasPeersRemoved()
                        && f.getPeersRemoved().getNodeIdsList().contains("charlie")));

    List<MapResponse> toCharlie = charlie.since(c0);
    assertTrue(
        toCharlie.stream()
            .anyMatch(
                f ->
                    f.hasPeersRemoved()
                        && Set.copyOf(f.getPeersRemoved().getNodeIdsList())
                            .equals(Set.of("alpha", "bravo"))),
        toCharlie.toString());

    Sink alphaAgain = open("alpha");
    assertEquals(Set.of("bravo"), peers(alphaAgain.frames.get(0)));
    assertEquals(0, alphaAgain.frames.get(0).getFull().getPacketFilter().getRulesCount());
    Sink bravoAgain = open("bravo");
    assertEquals(1, bravoAgain.frames.get(0).getFull().getPacketFilter().getRulesCount());
  }

  @Test
  void nodeChangesUnderAPolicyTouchOnlyTheNodesTheyConcern() {
    users();
    apply("t1", PolicyUpdated.newBuilder().setHujson(ALPHA_TO_BRAVO_5201).setVersion(1).build());
    join("alpha", 1, "ua");
    join("charlie", 3, "ub");
    Sink alpha = open("alpha");
    Sink charlie = open("charlie");
    assertTrue(peers(alpha.frames.get(0)).isEmpty());
    int a0 = alpha.frames.size();
    int c0 = charlie.frames.size();

    join("bravo", 2, "ub", "tag:server");
    assertTrue(
        alpha.since(a0).stream()
            .anyMatch(
                f -> f.hasPeersAdded() && f.getPeersAdded().getPeers(0).getId().equals("bravo")),
        alpha.since(a0).toString());
    assertEquals(List.of(), charlie.since(c0), "charlie is not concerned");
    Sink bravo = open("bravo");
    assertEquals(1, bravo.frames.get(0).getFull().getPacketFilter().getRulesCount());

    // Charlie gets the tag: alpha may now reach charlie; bravo is unaffected.
    int b0 = bravo.frames.size();
    a0 = alpha.frames.size();
    apply(
        "charlie",
        NodeTagsChanged.newBuilder()
            .setNodeId("charlie")
            .addNewTags("tag:server")
            .setUserId("ub")
            .build());
    assertTrue(
        alpha.since(a0).stream()
            .anyMatch(
                f -> f.hasPeersAdded() && f.getPeersAdded().getPeers(0).getId().equals("charlie")));
    assertTrue(
        charlie.since(c0).stream().anyMatch(MapResponse::hasPacketFilterChanged),
        "charlie's own filter now lets alpha in");
    assertTrue(
        charlie.since(c0).stream()
            .anyMatch(
                f -> f.hasPeersAdded() && f.getPeersAdded().getPeers(0).getId().equals("alpha")),
        "charlie now sees alpha, who may reach it");
    assertEquals(List.of(), bravo.since(b0), "bravo is not concerned");

    // Alpha leaves: bravo and charlie lose it and their filters drop its addresses.
    b0 = bravo.frames.size();
    apply("alpha", NodeRemoved.newBuilder().setNodeId("alpha").build());
    List<MapResponse> toBravo = bravo.since(b0);
    assertTrue(toBravo.stream().anyMatch(MapResponse::hasPeersRemoved), toBravo.toString());
    MapResponse filter =
        toBravo.stream().filter(MapResponse::hasPacketFilterChanged).findFirst().orElseThrow();
    assertFalse(filter.getPacketFilterChanged().getRulesCount() > 0, filter.toString());
  }

  @Test
  void registrationTagsMustBeOwnedUnderThePolicy() {
    users();
    assertTrue(
        policy.tagsRefused("t1", List.of("tag:server"), List.of("tag:server"), "ua").isPresent(),
        "the default policy defines no tags");
    apply("t1", PolicyUpdated.newBuilder().setHujson(ALPHA_TO_BRAVO_5201).setVersion(1).build());
    assertEquals(
        java.util.Optional.empty(),
        policy.tagsRefused("t1", List.of("tag:server"), List.of("tag:server"), "ua"));
    String reason =
        policy.tagsRefused("t1", List.of("tag:db"), List.of("tag:db"), "ua").orElseThrow();
    assertTrue(reason.contains("tag:db"), reason);
  }
}
