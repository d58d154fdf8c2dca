package dev.trellis.testkit;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects {@link ClusterFixture}s into test methods and lifecycle methods: each fixture class is
 * started once per test JVM on first use (by its no-argument constructor), kept in JUnit's root
 * store and closed when the JVM's tests end. After every test it fails that test if an event loop
 * of a fixture's cluster was blocked while it ran.
 *
 * <p>Thread-safety: JUnit calls it from the test thread; the root store serialises creation.
 */
public final class ClusterExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return ClusterFixture.class.isAssignableFrom(p.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    Class<?> type = p.getParameter().getType();
    ExtensionContext.Store store = c.getRoot().getStore(NAMESPACE);
    ClusterFixture f = store.computeIfAbsent(type, t -> start(type), ClusterFixture.class);
    started(store).add(type);
    return f;
  }

  private static Set<Class<?>> started(ExtensionContext.Store store) {
    return store
        .computeIfAbsent(
            Started.class, k -> new Started(ConcurrentHashMap.newKeySet()), Started.class)
        .types();
  }

  /** The fixture types started in this JVM (kept in the root store beside the fixtures). */
  private record Started(Set<Class<?>> types) {}

  private static ClusterFixture start(Class<?> type) {
    try {
      Constructor<?> ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
      return (ClusterFixture) ctor.newInstance();
    } catch (InvocationTargetException e) {
      throw new ParameterResolutionException(
          type.getSimpleName() + " did not start: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ParameterResolutionException(
          type.getSimpleName() + " needs a no-argument constructor", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext c) {
    ExtensionContext.Store store = c.getRoot().getStore(NAMESPACE);
    for (Class<?> type : started(store)) {
      store.get(type, ClusterFixture.class).cluster().assertNoBlockedEventLoop();
    }
  }
}
