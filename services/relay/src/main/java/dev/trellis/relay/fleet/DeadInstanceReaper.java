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
 * reported once.
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
