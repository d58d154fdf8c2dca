package dev.trellis.agent.cli;

import java.util.concurrent.CountDownLatch;

/**
 * How the daemons run: the main thread waits until the JVM is told to stop (SIGTERM, SIGINT), and
 * the shutdown hook (a thread named "shutdown") takes down what the daemon set up.
 *
 * <p>Thread-safety: called once, from the main thread.
 */
final class ShutdownHook {
  private ShutdownHook() {}

  /**
   * Waits for the JVM's shutdown, runs {@code close} on the shutdown thread; returns exit code 0.
   */
  static int await(Runnable close) {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("shutdown")
                .unstarted(
                    () -> {
                      close.run();
                      done.countDown();
                    }));
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
