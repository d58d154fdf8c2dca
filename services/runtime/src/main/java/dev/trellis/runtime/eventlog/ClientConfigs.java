package dev.trellis.runtime.eventlog;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka client configurations of the event log. Stateless and thread-safe. */
final class ClientConfigs {
  private ClientConfigs() {}

  static Map<String, Object> admin(EventLogOptions o) {
    Map<String, Object> c = base(o, "-admin");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    c.putAll(o.clientProperties());
    return c;
  }

  /** Idempotent, acks=all, lz4-compressed; key = tailnet id, value = envelope bytes. */
  static Map<String, Object> producer(EventLogOptions o) {
    Map<String, Object> c = base(o, "-producer");
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    c.putAll(o.clientProperties());
    return c;
  }

  /** Manual commits; new groups start at the earliest offset. {@code groupId} null: no group. */
  static Map<String, Object> consumer(EventLogOptions o, String groupId, String suffix) {
    Map<String, Object> c = base(o, suffix);
    if (groupId != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      // Static membership: the client id is stable per service instance, so an instance that
      // restarts (even after kill -9) takes its partitions back at once instead of waiting for
      // the dead member's session to expire. A crashed instance that does not come back hands
      // its partitions over after the session timeout.
      c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, o.clientId());
      c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
      c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    }
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.putAll(o.clientProperties());
    return c;
  }

  private static Map<String, Object> base(EventLogOptions o, String suffix) {
    Map<String, Object> c = new HashMap<>();
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, o.clientId() + suffix);
    return c;
  }
}
