package dev.trellis.keys;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the shared {@link KeysCluster} into test methods and lifecycle methods. */
final class ClusterExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == KeysCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    try {
      return KeysCluster.get(c);
    } catch (Exception e) {
      throw new ParameterResolutionException("keys cluster did not start", e);
    }
  }
}
