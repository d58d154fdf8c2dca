package dev.trellis.ipam;

import dev.trellis.ipam.address.AddressPool;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the test JVM's shared {@link IpamCluster} (the standard pool, a 2 s cool-down), started
 * on first use and closed when the tests end.
 */
final class Clusters implements ParameterResolver {
  /** The cool-down of the shared cluster. */
  static final Duration COOL_DOWN = Duration.ofSeconds(2);

  private static IpamCluster shared;

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == IpamCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    synchronized (Clusters.class) {
      if (shared == null) {
        try {
          shared = new IpamCluster(AddressPool.standard(), COOL_DOWN);
        } catch (Exception e) {
          throw new ParameterResolutionException("ipam cluster did not start", e);
        }
        c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("ipam-cluster", shared);
      }
      return shared;
    }
  }
}
