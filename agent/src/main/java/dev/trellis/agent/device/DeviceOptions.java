package dev.trellis.agent.device;

import java.time.Duration;

/**
 * Implementation choices of a {@link Device} (not protocol constants, which live in {@link
 * dev.trellis.agent.wireguard.Spec}).
 *
 * @param cryptoWorkers threads that encrypt and decrypt data packets in parallel
 * @param maxPacketSize the largest IP packet the device carries (buffers are this plus head-room)
 * @param pipelineBatches batches in flight per direction (each holds up to a TUN/bind batch)
 * @param stagedPackets packets held per peer while it has no session
 * @param handshakeQueue handshake messages queued for the handshake worker; beyond it they drop
 * @param handshakeLoadThreshold queued handshakes beyond which the device is "under load" and
 *     answers initiations without a valid MAC2 with a cookie reply (0 means always under load)
 * @param timerTick how often the timer thread checks the peers' timers
 */
public record DeviceOptions(
    int cryptoWorkers,
    int maxPacketSize,
    int pipelineBatches,
    int stagedPackets,
    int handshakeQueue,
    int handshakeLoadThreshold,
    Duration timerTick) {

  public DeviceOptions {
    if (cryptoWorkers < 1 || cryptoWorkers > 256) {
      throw new IllegalArgumentException("cryptoWorkers out of range 1-256: " + cryptoWorkers);
    }
    if (maxPacketSize < 576 || maxPacketSize > 65535) {
      throw new IllegalArgumentException("maxPacketSize out of range 576-65535: " + maxPacketSize);
    }
    if (pipelineBatches < 2) {
      throw new IllegalArgumentException("pipelineBatches must be at least 2");
    }
    if (stagedPackets < 1 || handshakeQueue < 1 || handshakeLoadThreshold < 0) {
      throw new IllegalArgumentException("queue sizes must be positive");
    }
    if (timerTick == null || timerTick.isNegative() || timerTick.isZero()) {
      throw new IllegalArgumentException("timerTick must be positive");
    }
  }

  /**
   * Sensible defaults: one crypto worker per core, a 100 ms timer tick, and per direction two
   * batches in flight for each crypto worker (at least 8), enough to keep every worker busy while
   * the reader fills the next and the writer drains the last. Each batch holds 64 buffers of 4 KiB
   * for the device's whole life, so this is most of the heap an agent keeps: 8 batches each way are
   * 4.3 MiB, where a fixed 32 took 17 MiB and moved no more on two cores (load/bench-dataplane).
   */
  public static DeviceOptions defaults() {
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    return new DeviceOptions(
        workers, 4096, Math.max(8, 2 * workers), 128, 1024, 128, Duration.ofMillis(100));
  }

  /** A copy with another handshake load threshold. */
  public DeviceOptions withHandshakeLoadThreshold(int threshold) {
    return new DeviceOptions(
        cryptoWorkers,
        maxPacketSize,
        pipelineBatches,
        stagedPackets,
        handshakeQueue,
        threshold,
        timerTick);
  }

  /** A copy with another number of crypto workers. */
  public DeviceOptions withCryptoWorkers(int workers) {
    return new DeviceOptions(
        workers,
        maxPacketSize,
        pipelineBatches,
        stagedPackets,
        handshakeQueue,
        handshakeLoadThreshold,
        timerTick);
  }
}
