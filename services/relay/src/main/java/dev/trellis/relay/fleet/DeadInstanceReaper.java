package dev.trellis.relay.fleet;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.relay.mesh.InstanceRecord;
import dev.trellis.relay.mesh.Presence;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a Hazelcast member leaves the cluster, forgets the relay instances it ran (their record and
 * every node key they held) and appends RelayInstanceStopped for each. Every surviving relay
 * instance races for it; the one whose map removal succeeds appends, so each dead instance is
 * reported once. An instance that died while no other relay ran (the only relay of a deployment,
 * killed and relaunched) had no survivor to see its member leave: a starting instance reaps such
 * orphans ({@link #reapOrphansLater}), or the relay map would list the dead instance for ever.
 *
 * <p>Thread-safety: thread-safe; Hazelcast calls run on Vert.x worker threads.
 */
public final class DeadInstanceReaper implements MembershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(DeadInstanceReaper.class);

  private final Vertx vertx;
  private final Presence presence;
  private final FleetEvents events;
  private final HazelcastInstance hazelcast;
  private UUID registration;

  public DeadInstanceReaper(
      Vertx vertx, HazelcastInstance hazelcast, Presence presence, FleetEvents events) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.presence = presence;
    this.events = events;
  }

  /** Starts listening to membership changes. */
  public void start() {
    registration = hazelcast.getCluster().addMembershipListener(this);
  }

  /** Stops listening. */
  public void stop() {
    if (registration != null) {
      hazelcast.getCluster().removeMembershipListener(registration);
    }
  }

  /**
   * How long a record's member must stay out of the cluster before a starting instance reaps it: a
   * relay starting beside this one (a scale-up) may have written its record before its member
   * reached this member's list, and reaping it would drop a live relay from every relay map.
   */
  static final Duration ORPHAN_GRACE = Duration.ofSeconds(5);

  /**
   * Forgets, after {@link #ORPHAN_GRACE}, every instance whose member is not in the cluster now and
   * still is not then, and appends its RelayInstanceStopped. Returns at once.
   */
  public void reapOrphansLater() {
    vertx
        .executeBlocking(this::absent)
        .onSuccess(
            candidates -> {
              if (!candidates.isEmpty()) {
                vertx.setTimer(
                    ORPHAN_GRACE.toMillis(),
                    id ->
                        vertx
                            .executeBlocking(() -> reap(candidates))
                            .onFailure(
                                t -> LOG.warn("could not reap relay instances: {}", t.toString())));
              }
            })
        .onFailure(t -> LOG.warn("could not read relay instances: {}", t.toString()));
  }

  /** The instances whose member is not in the cluster as this member sees it now. Blocking. */
  private Set<String> absent() {
    Set<String> live = liveMembers();
    Set<String> out = new HashSet<>();
    for (InstanceRecord r : presence.instances()) {
      if (!live.contains(r.memberUuid())) {
        out.add(r.instanceId());
      }
    }
    return out;
  }

  /** Reaps those of {@code candidates} whose member is still not in the cluster. Blocking. */
  private int reap(Set<String> candidates) {
    Set<String> live = liveMembers();
    int n = 0;
    for (InstanceRecord r : presence.instances()) {
      if (candidates.contains(r.instanceId())
          && !live.contains(r.memberUuid())
          && presence.forgetInstance(r.instanceId())) {
        events.stopped(r.instanceId(), r.regionId(), "member-left");
        LOG.info("reaped relay instance {}: its member left while no relay ran", r.instanceId());
        n++;
      }
    }
    return n;
  }

  private Set<String> liveMembers() {
    Set<String> live = new HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> live.add(m.getUuid().toString()));
    return live;
  }

  @Override
  public void memberAdded(MembershipEvent e) {}

  @Override
  public void memberRemoved(MembershipEvent e) {
    String gone = e.getMember().getUuid().toString();
    vertx
        .executeBlocking(
            () -> {
              int n = 0;
              for (InstanceRecord r : presence.instances()) {
                if (r.memberUuid().equals(gone) && presence.forgetInstance(r.instanceId())) {
                  events.stopped(r.instanceId(), r.regionId(), "member-left");
                  n++;
                }
              }
              return n;
            })
        .onFailure(
            t -> LOG.warn("could not reap relay instances of member {}: {}", gone, t.toString()));
  }
}
