package dev.trellis.runtime.state;

import com.hazelcast.config.Config;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.config.Settings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an embedded Hazelcast member and waits, for a bounded time, until it runs in a cluster of
 * at least the expected size. A wrong member list or cluster name therefore fails with a {@link
 * MemberStartException} that names the members, the cluster and the timeout, instead of hanging.
 * Blocking: call it from a worker thread or before Vert.x starts, never on an event loop.
 *
 * <p>Thread-safety: stateless; safe to call from several threads (each starts its own member).
 */
public final class EmbeddedMember {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMember.class);

  private EmbeddedMember() {}

  /** Starts the member {@code settings} describe. */
  public static HazelcastInstance start(Settings settings) {
    return start(
        MemberConfig.from(settings),
        settings.hazelcastMinMembers(),
        settings.hazelcastJoinTimeout());
  }

  /**
   * Starts a member from {@code config} and waits up to {@code timeout} for a cluster of at least
   * {@code minMembers}; on timeout the member is shut down and {@link MemberStartException} says
   * what was expected.
   */
  public static HazelcastInstance start(Config config, int minMembers, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<HazelcastInstance> starting = new CompletableFuture<>();
    Thread starter =
        Thread.ofPlatform()
            .daemon()
            .name("hazelcast-start")
            .start(
                () -> {
                  try {
                    starting.complete(Hazelcast.newHazelcastInstance(config));
                  } catch (Throwable t) {
                    starting.completeExceptionally(t);
                  }
                });
    HazelcastInstance instance;
    try {
      instance = starting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      starter.interrupt();
      // If it still starts later, shut it down rather than leave a stray member.
      starting.thenAccept(HazelcastInstance::shutdown);
      throw new MemberStartException(describe(config, minMembers, timeout, "did not start"));
    } catch (ExecutionException e) {
      throw new MemberStartException(
          describe(config, minMembers, timeout, "failed: " + e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      starting.thenAccept(HazelcastInstance::shutdown);
      throw new MemberStartException("interrupted while starting the Hazelcast member", e);
    }
    while (instance.getCluster().getMembers().size() < minMembers) {
      if (System.nanoTime() - deadline > 0) {
        int seen = instance.getCluster().getMembers().size();
        instance.shutdown();
        throw new MemberStartException(
            describe(config, minMembers, timeout, "saw only " + seen + " member(s)"));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        instance.shutdown();
        throw new MemberStartException("interrupted while waiting for Hazelcast members", e);
      }
    }
    LOG.info(
        "Hazelcast member {} joined cluster '{}' with {} member(s)",
        instance.getCluster().getLocalMember().getAddress(),
        config.getClusterName(),
        instance.getCluster().getMembers().size());
    return instance;
  }

  /** Whether {@code instance} is running in a cluster of at least {@code minMembers}. */
  public static boolean joined(HazelcastInstance instance, int minMembers) {
    return instance.getLifecycleService().isRunning()
        && instance.getCluster().getMembers().size() >= minMembers;
  }

  private static String describe(Config config, int minMembers, Duration timeout, String what) {
    TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    return "Hazelcast member for cluster '"
        + config.getClusterName()
        + "' "
        + what
        + " within "
        + timeout.toSeconds()
        + "s (expected at least "
        + minMembers
        + " member(s); member list "
        + (tcp.isEnabled() ? tcp.getMembers() : "not used")
        + "). Check --hazelcast-members, --hazelcast-cluster and that the other members run.";
  }
}
