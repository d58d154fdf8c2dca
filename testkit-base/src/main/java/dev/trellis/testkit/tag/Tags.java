package dev.trellis.testkit.tag;

/**
 * The JUnit tags Trellis tests carry, as the build's {@code fast} profile names them in {@code
 * excludedGroups}. Use the composed annotations {@link IntegrationTest} and {@link RootTest} rather
 * than {@code @Tag} with these strings.
 *
 * <p>Thread-safety: constants only.
 */
public final class Tags {
  /** Starts Kafka, Hazelcast, a service host or server, or a child process. */
  public static final String INTEGRATION = "integration";

  /** Needs root: TUN devices, network namespaces, links and routes. */
  public static final String ROOT = "root";

  private Tags() {}
}
