package dev.trellis.testkit;

/**
 * A service's test cluster that {@link ClusterExtension} starts once per test JVM and shares
 * between the test classes that ask for it: a class over a {@link ServiceCluster} with the
 * service's own helpers, and a no-argument constructor (any visibility) that starts it.
 *
 * <p>Thread-safety: as the implementing class says; the extension starts and closes it on the test
 * thread.
 */
public interface ClusterFixture extends AutoCloseable {
  /** The cluster underneath. */
  ServiceCluster cluster();

  /** Closes the cluster (and fails if an event loop was blocked since the last check). */
  @Override
  default void close() {
    cluster().close();
  }
}
