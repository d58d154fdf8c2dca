package dev.trellis.coordinator.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.NodePresence;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which instance holds each node's stream, in Hazelcast ({@code node id -> instance id}), and the
 * NodeOnline/NodeOffline events. A stream opening claims presence and says online; a last stream
 * closing only marks the node as a candidate: {@link #sweep} (one timer, in batches) says offline
 * for candidates whose grace passed (shorter for a router, whose prefixes then fail over), that
 * still have no stream here and whose presence this instance still holds (removed by
 * compare-and-delete). That check cannot stop an offline already decided when the device moves to
 * instance B meanwhile, so every NodeOffline names its instance, B says online whenever the model
 * names another holder, and projections ignore an offline from an instance the node has left
 * ({@link NodePresence}). Thousands of channels closing at once cost one map entry each here and
 * one batched worker task per sweep. A stream that opens while an offline is being decided keeps
 * the node online: the sweep re-checks after its worker task, and a node said offline but not yet
 * applied by the model is said online again when it comes back (seen in a 10,000-device reconnect
 * storm, where nodes ended connected but marked offline).
 *
 * <p>An instance that dies (kill -9, a lost machine) sweeps nothing: the nodes it held would stay
 * online in every netmap until they connect again, which a device that went away meanwhile never
 * does. Instance ids are Hazelcast member ids, so when a member leaves ({@link #memberLeft}) the
 * survivors take over its claims after the grace ({@link #reapLeft}): a node the model still says
 * the dead instance holds, whose claim still names it, is said offline in that instance's name by
 * the survivor whose compare-and-delete wins; a device that reconnected elsewhere meanwhile moved
 * its claim, so nothing is said for it.
 *
 * <p>Thread-safety: {@link #online}, {@link #closed}, {@link #sweep}, {@link #memberLeft} and
 * {@link #reapLeft} are called from the model's thread; Hazelcast calls run on a worker.
 */
public final class Presence {
  /** Hazelcast map of the coordinator: node id to the instance id holding its stream. */
  public static final String MAP = "coordinator-private.presence";

  /** Where a node lives, for events. */
  public record NodeRef(String nodeId, String tailnetId) {}

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final EventLog log;
  private final Events events;
  private final Clock clock;
  private final String instanceId;
  private final long graceNanos;
  private final long routerGraceNanos;
  private final Counter offlines;
  private final Map<String, Candidate> candidates = new LinkedHashMap<>();

  /** Instances whose member left the cluster, with when this instance heard of it. */
  private final Map<String, Long> left = new LinkedHashMap<>();

  /**
   * Nodes this instance said offline (NodeOffline appended), with when: until the model has applied
   * that event it still says online, so a stream opening meanwhile must say online again.
   */
  private final Map<String, Long> saidOffline = new java.util.HashMap<>();

  /** How long an entry of {@link #saidOffline} is kept (far longer than the log takes). */
  private static final long SAID_OFFLINE_KEEP_NANOS =
      java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  private record Candidate(NodeRef ref, long sinceNanos, long graceNanos, Instant lastSeen) {}

  /** A presence where routers get the same grace as every node. */
  public Presence(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      Events events,
      Clock clock,
      String instanceId,
      long graceNanos,
      Counter offlines) {
    this(vertx, hazelcast, log, events, clock, instanceId, graceNanos, graceNanos, offlines);
  }

  /**
   * @param graceNanos how long after its last stream closed a node is said offline
   * @param routerGraceNanos the same for a node that carries routes for others (the primary router
   *     of a subnet, or an exit node): shorter, so that its prefixes fail over quickly
   */
  public Presence(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      Events events,
      Clock clock,
      String instanceId,
      long graceNanos,
      long routerGraceNanos,
      Counter offlines) {
    this.routerGraceNanos = routerGraceNanos;
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.log = log;
    this.events = events;
    this.clock = clock;
    this.instanceId = instanceId;
    this.graceNanos = graceNanos;
    this.offlines = offlines;
  }

  /**
   * A stream of {@code ref} opened here; {@code holder}: the instance the model says holds the node
   * (its last NodeOnline), empty when the model says offline. Says online unless the model already
   * says this instance holds it, so a node that moved here from another instance is claimed in the
   * log and that instance's late offline no longer counts ({@link NodePresence}).
   */
  public void online(NodeRef ref, String holder) {
    candidates.remove(ref.nodeId());
    map.setAsync(ref.nodeId(), instanceId);
    boolean offlineInFlight = saidOffline.remove(ref.nodeId()) != null;
    if (!instanceId.equals(holder) || offlineInFlight) {
      log.append(
          Topics.COORDINATOR,
          envelope(
              ref,
              NodeOnline.newBuilder()
                  .setNodeId(ref.nodeId())
                  .setCoordinatorInstance(instanceId)
                  .build()));
    }
  }

  /** The last stream of {@code ref} here closed. */
  public void closed(NodeRef ref, long nowNanos) {
    closed(ref, nowNanos, false);
  }

  /**
   * The last stream of {@code ref} here closed; {@code router}: it carries routes for others
   * (primary for a subnet, or an exit node), so it gets the router grace.
   */
  public void closed(NodeRef ref, long nowNanos, boolean router) {
    candidates.put(
        ref.nodeId(),
        new Candidate(ref, nowNanos, router ? routerGraceNanos : graceNanos, clock.instant()));
  }

  /** Says offline for candidates past their grace without a stream ({@code attached} false). */
  public void sweep(long nowNanos, Predicate<String> attached) {
    saidOffline.values().removeIf(at -> nowNanos - at > SAID_OFFLINE_KEEP_NANOS);
    List<Candidate> due = new ArrayList<>();
    var it = candidates.values().iterator();
    while (it.hasNext()) {
      Candidate c = it.next();
      if (nowNanos - c.sinceNanos() < c.graceNanos()) {
        continue;
      }
      it.remove();
      if (!attached.test(c.ref().nodeId())) {
        due.add(c);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    vertx
        .<List<Candidate>>executeBlocking(
            () -> {
              List<Candidate> mine = new ArrayList<>();
              for (Candidate c : due) {
                if (map.remove(c.ref().nodeId(), instanceId)) {
                  mine.add(c);
                }
              }
              return mine;
            },
            false)
        .onSuccess(
            mine -> {
              for (Candidate c : mine) {
                if (attached.test(c.ref().nodeId())) {
                  // A stream opened here while the claim was being removed: the node stays online.
                  map.setAsync(c.ref().nodeId(), instanceId);
                  continue;
                }
                saidOffline.put(c.ref().nodeId(), nowNanos);
                offlines.increment();
                log.append(Topics.COORDINATOR, offline(c.ref(), instanceId, c.lastSeen()));
              }
            });
  }

  /** The member running instance {@code instance} left the cluster at {@code nowNanos}. */
  public void memberLeft(String instance, long nowNanos) {
    if (!instance.equals(instanceId)) {
      left.putIfAbsent(instance, nowNanos);
    }
  }

  /**
   * For each instance that left more than the grace ago: says offline, in its name, for the nodes
   * {@code heldBy} gives (those the model says it holds) whose claim this call removes.
   */
  public void reapLeft(long nowNanos, java.util.function.Function<String, List<NodeRef>> heldBy) {
    var it = left.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (nowNanos - e.getValue() < graceNanos) {
        continue;
      }
      it.remove();
      String dead = e.getKey();
      List<NodeRef> held = heldBy.apply(dead);
      if (held.isEmpty()) {
        continue;
      }
      Instant seen = clock.instant();
      vertx
          .<List<NodeRef>>executeBlocking(
              () -> held.stream().filter(r -> map.remove(r.nodeId(), dead)).toList(), false)
          .onSuccess(
              mine -> {
                for (NodeRef r : mine) {
                  offlines.increment();
                  log.append(Topics.COORDINATOR, offline(r, dead, seen));
                }
              });
    }
  }

  private EventEnvelope offline(NodeRef ref, String instance, Instant seen) {
    return envelope(
        ref,
        NodeOffline.newBuilder()
            .setNodeId(ref.nodeId())
            .setCoordinatorInstance(instance)
            .setLastSeen(
                com.google.protobuf.Timestamp.newBuilder()
                    .setSeconds(seen.getEpochSecond())
                    .setNanos(seen.getNano()))
            .build());
  }

  private EventEnvelope envelope(NodeRef ref, com.google.protobuf.Message payload) {
    Actor actor = Actor.newBuilder().setKind(Actor.Kind.NODE).setId(ref.nodeId()).build();
    return events.draft(ref.tailnetId(), ref.nodeId(), actor, payload).build();
  }
}
