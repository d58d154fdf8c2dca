package dev.trellis.runtime.projection;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real Hazelcast members for tests: loopback only, multicast off, TCP-IP join within a random port
 * range, a unique cluster name per cluster so concurrent test runs never merge.
 */
public final class TestHazelcast {
  private static final int PORTS = 4;
  private final String clusterName = "trellis-test-" + UUID.randomUUID();
  private final int basePort = 20_000 + ThreadLocalRandom.current().nextInt(20_000);

  public HazelcastInstance member() {
    Config c = new Config();
    c.setClusterName(clusterName);
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.getJetConfig().setEnabled(false);
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(basePort).setPortAutoIncrement(true).setPortCount(PORTS);
    n.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    for (int i = 0; i < PORTS; i++) {
      j.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + (basePort + i));
    }
    return Hazelcast.newHazelcastInstance(c);
  }
}
