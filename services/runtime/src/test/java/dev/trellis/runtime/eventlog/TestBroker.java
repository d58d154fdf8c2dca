package dev.trellis.runtime.eventlog;

import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.v1.Actor;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real embedded Kafka broker in a temporary directory, for one test class. Not thread-safe. */
public final class TestBroker implements AutoCloseable {
  public static final Actor SYSTEM =
      Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("test").build();

  private final Path dir;
  private final EmbeddedKafka kafka;
  private final String bootstrap;

  public TestBroker() throws IOException {
    dir = Files.createTempDirectory("trellis-kafka-test");
    kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(dir));
    bootstrap = kafka.start();
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** Waits up to 30 s for {@code f}. */
  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    kafka.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
