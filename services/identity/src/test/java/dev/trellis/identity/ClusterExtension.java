package dev.trellis.identity;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the shared {@link IdentityCluster} into test methods and lifecycle methods. */
final class ClusterExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == IdentityCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    try {
      return IdentityCluster.get(c);
    } catch (Exception e) {
      throw new ParameterResolutionException("identity cluster did not start", e);
    }
  }
}
