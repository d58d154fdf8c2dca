package dev.trellis.kafka.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code trellis-kafka}: runs an {@link EmbeddedKafka} broker as a process of its own (the external
 * broker of the multi-process topology and of the Kafka container image) until SIGTERM/SIGINT, then
 * shuts it down cleanly so that a restart on the same data directory keeps every event. Bad flags
 * are one line on stderr and exit code 2; a failed start is one line and exit code 1.
 *
 * <p>Thread-safety: the main thread and the JVM's shutdown hook only.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) {
    if (BrokerFlags.helpRequested(args)) {
      System.out.print(BrokerFlags.USAGE);
      return;
    }
    BrokerFlags flags;
    try {
      flags = BrokerFlags.parse(args, System.getenv());
      Files.createDirectories(flags.dataDir());
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("trellis-kafka: " + e.getMessage());
      System.err.print(BrokerFlags.USAGE);
      System.exit(2);
      return;
    }
    EmbeddedKafka broker =
        new EmbeddedKafka(
            EmbeddedKafkaOptions.of(flags.dataDir())
                .withClientPort(flags.port())
                .withControllerPort(flags.controllerPort())
                .withBrokerProperties(Map.copyOf(flags.listenerProperties())));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("kafka-shutdown")
                .unstarted(
                    () -> {
                      broker.close();
                      stopped.countDown();
                    }));
    try {
      broker.start();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("trellis-kafka: " + e.getMessage() + ": " + cause);
      System.exit(1);
      return;
    }
    System.out.println(
        "trellis-kafka: broker listening on "
            + flags.listenHost()
            + ":"
            + flags.port()
            + " (advertised "
            + flags.advertisedHost()
            + ":"
            + flags.port()
            + "), data in "
            + flags.dataDir().toAbsolutePath());
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
