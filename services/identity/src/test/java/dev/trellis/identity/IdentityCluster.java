package dev.trellis.identity;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterFixture;
import dev.trellis.testkit.ServiceCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;

/**
 * Two identity instances sharing state, as in production (a {@link ServiceCluster}). Started once
 * per test JVM by {@link dev.trellis.testkit.ClusterExtension} (tests share it; each test makes its
 * own tailnets) and closed when the JVM's tests end. Instance a starts first and makes the
 * deployment's first start (the default tailnet and the admin token).
 */
final class IdentityCluster implements ClusterFixture {
  final TestClock clock = new TestClock();
  final ServiceCluster cluster;
  final List<ServiceCluster.Instance> nodes;
  final String adminToken;

  IdentityCluster() throws Exception {
    var console = new PrintStream(new ByteArrayOutputStream());
    cluster =
        ServiceCluster.builder("identity")
            .services(i -> List.of(new IdentityService(clock, console)))
            .start();
    nodes = cluster.instances();
    adminToken = Files.readString(cluster.stateDir("a").resolve("admin-token")).strip();
  }

  @Override
  public ServiceCluster cluster() {
    return cluster;
  }

  /** The admin API of instance {@code i} with {@code token}. */
  Api api(int i, String token) {
    return cluster.api(i, token);
  }

  /** The deployment administrator's API on instance {@code i}. */
  Api admin(int i) {
    return api(i, adminToken);
  }
}
