package dev.trellis.runtime.eventlog;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link EventLog} connects to Kafka and creates topics. Immutable and thread-safe; change a
 * field with the {@code with*} methods.
 *
 * @param bootstrapServers Kafka bootstrap address list, e.g. {@code 127.0.0.1:9092}
 * @param clientId prefix of the Kafka client ids (the service instance's name)
 * @param connectDeadline how long {@link EventLog#connect} keeps retrying an unreachable Kafka
 * @param partitions partitions of topics created by {@link EventLog#ensureTopics}
 * @param replicationFactor replication factor of created topics (1 for a single broker)
 * @param clientProperties extra Kafka client properties applied to producer, consumers and admin
 */
public record EventLogOptions(
    String bootstrapServers,
    String clientId,
    Duration connectDeadline,
    int partitions,
    short replicationFactor,
    Map<String, String> clientProperties) {

  public EventLogOptions {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(connectDeadline, "connectDeadline");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers is empty");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor must be >= 1, got " + replicationFactor);
    }
    clientProperties = Map.copyOf(clientProperties);
  }

  /** Defaults: 60 s connect deadline, 6 partitions, replication factor 1, no extra properties. */
  public static EventLogOptions of(String bootstrapServers, String clientId) {
    return new EventLogOptions(
        bootstrapServers, clientId, Duration.ofSeconds(60), 6, (short) 1, Map.of());
  }

  public EventLogOptions withConnectDeadline(Duration deadline) {
    return new EventLogOptions(
        bootstrapServers, clientId, deadline, partitions, replicationFactor, clientProperties);
  }

  public EventLogOptions withPartitions(int count) {
    return new EventLogOptions(
        bootstrapServers, clientId, connectDeadline, count, replicationFactor, clientProperties);
  }

  public EventLogOptions withReplicationFactor(short factor) {
    return new EventLogOptions(
        bootstrapServers, clientId, connectDeadline, partitions, factor, clientProperties);
  }

  public EventLogOptions withClientProperties(Map<String, String> properties) {
    return new EventLogOptions(
        bootstrapServers, clientId, connectDeadline, partitions, replicationFactor, properties);
  }
}
