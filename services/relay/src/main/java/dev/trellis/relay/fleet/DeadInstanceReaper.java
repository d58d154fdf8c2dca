package dev.trellis.relay.fleet;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.relay.mesh.InstanceRecord;
import dev.trellis.relay.mesh.Presence;
import io.vertx.core.Vertx;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a Hazelcast member leaves the cluster, forgets the relay instances it ran (their record and
 * every node key they held) and appends RelayInstanceStopped for each. Every surviving relay
 * instance races for it; the one whose map removal succeeds appends, so each dead instance is
 * reported once. An instance that died while no other relay ran (the only relay of a deployment,
 * killed and relaunched) had no survivor to see its member leave: a starting instance reaps such
 * orphans ({@link #reapOrphans}), or the relay map would list the dead instance for ever.
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
   * Forgets every instance whose member is no longer in the cluster and appends its
   * RelayInstanceStopped; returns how many this call reaped. Blocking: call it on a worker.
   */
  public int reapOrphans() {
    // The records first: a member that wrote one had joined before, so it is in the list read next.
    java.util.List<InstanceRecord> records = presence.instances();
    java.util.Set<String> live = new java.util.HashSet<>();
    hazelcast.getCluster().getMembers().forEach(m -> live.add(m.getUuid().toString()));
    int n = 0;
    for (InstanceRecord r : records) {
      if (!live.contains(r.memberUuid()) && presence.forgetInstance(r.instanceId())) {
        events.stopped(r.instanceId(), r.regionId(), "member-left");
        LOG.info(
            "reaped relay instance {}: its member left before this one started", r.instanceId());
        n++;
      }
    }
    return n;
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
