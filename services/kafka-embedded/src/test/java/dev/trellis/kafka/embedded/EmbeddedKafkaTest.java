package dev.trellis.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.tag.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class EmbeddedKafkaTest {

  @TempDir Path dir;

  @Test
  void restartOnTheSameDirectoryKeepsEveryEvent() throws Exception {
    List<String> written = new ArrayList<>();
    String bootstrap;
    try (EmbeddedKafka kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(dir))) {
      bootstrap = kafka.start();
      System.out.println("first start (format + start): " + kafka.startTime().toMillis() + " ms");
      assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic("restart-test", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> p = producer(bootstrap)) {
        for (int i = 0; i < 20; i++) {
          String v = "event-" + i;
          p.send(new ProducerRecord<>("restart-test", "t1", v)).get();
          written.add(v);
        }
      }
      assertEquals(written, readAll(bootstrap, 20));
    }
    try (EmbeddedKafka again = new EmbeddedKafka(EmbeddedKafkaOptions.of(dir))) {
      String b2 = again.start();
      System.out.println("restart on same dir: " + again.startTime().toMillis() + " ms");
      assertEquals(written, readAll(b2, 20));
    }
  }

  @Test
  void missingDataDirectoryIsNamedInTheError() {
    Path missing = dir.resolve("no-such-dir");
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> new EmbeddedKafka(EmbeddedKafkaOptions.of(missing)).start());
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void unwritableDataDirectoryIsNamedInTheError() throws Exception {
    // We run as root, so permission bits do not stop us; /proc refuses new files for everyone.
    Path proc = Path.of("/proc");
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> new EmbeddedKafka(EmbeddedKafkaOptions.of(proc)).start());
    assertTrue(e.getMessage().contains("/proc"), e.getMessage());
    assertTrue(e.getMessage().contains("not writable"), e.getMessage());

    Path file = Files.writeString(dir.resolve("a-file"), "x");
    var e2 =
        assertThrows(
            IllegalStateException.class,
            () -> new EmbeddedKafka(EmbeddedKafkaOptions.of(file)).start());
    assertTrue(e2.getMessage().contains("not a directory"), e2.getMessage());
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "acks",
            "all",
            "key.serializer",
            StringSerializer.class.getName(),
            "value.serializer",
            StringSerializer.class.getName()));
  }

  private static List<String> readAll(String bootstrap, int expected) {
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
      TopicPartition tp = new TopicPartition("restart-test", 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          values.add(
              new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        }
      }
      return values;
    }
  }
}
