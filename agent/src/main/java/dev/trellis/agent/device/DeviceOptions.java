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

  /** Sensible defaults: one crypto worker per core, 64 KiB-safe queues, a 100 ms timer tick. */
  public static DeviceOptions defaults() {
    return new DeviceOptions(
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        4096,
        32,
        128,
        1024,
        128,
        Duration.ofMillis(100));
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
