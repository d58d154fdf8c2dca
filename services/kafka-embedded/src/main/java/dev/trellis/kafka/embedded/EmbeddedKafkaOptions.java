package dev.trellis.kafka.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to run an {@link EmbeddedKafka} broker. Immutable and thread-safe.
 *
 * @param dataDir the directory holding the broker's logs and metadata; must exist and be writable.
 *     Reusing it on a later start keeps every event.
 * @param clientPort the client (PLAINTEXT) port on 127.0.0.1; 0 picks a free port
 * @param controllerPort the KRaft controller port on 127.0.0.1; 0 picks a free port
 * @param brokerProperties extra broker properties, applied last (they override the defaults)
 */
public record EmbeddedKafkaOptions(
    Path dataDir, int clientPort, int controllerPort, Map<String, String> brokerProperties) {

  public EmbeddedKafkaOptions {
    Objects.requireNonNull(dataDir, "dataDir");
    checkPort(clientPort, "clientPort");
    checkPort(controllerPort, "controllerPort");
    brokerProperties = Map.copyOf(brokerProperties);
  }

  /** Free ports, no extra properties. */
  public static EmbeddedKafkaOptions of(Path dataDir) {
    return new EmbeddedKafkaOptions(dataDir, 0, 0, Map.of());
  }

  public EmbeddedKafkaOptions withClientPort(int port) {
    return new EmbeddedKafkaOptions(dataDir, port, controllerPort, brokerProperties);
  }

  public EmbeddedKafkaOptions withControllerPort(int port) {
    return new EmbeddedKafkaOptions(dataDir, clientPort, port, brokerProperties);
  }

  public EmbeddedKafkaOptions withBrokerProperties(Map<String, String> properties) {
    return new EmbeddedKafkaOptions(dataDir, clientPort, controllerPort, properties);
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " out of range: " + port);
    }
  }
}
