package dev.trellis.relay.config;

import dev.trellis.proto.relay.Frames;
import dev.trellis.runtime.config.ConfigException;

/**
 * How much a relay instance holds for devices that read slower than they are sent to.
 *
 * <p>A relayed TCP flow arrives in bursts as large as what it keeps in flight. When one source may
 * queue more than that, the relay drops none of the flow; with less (1,024 frames, about 1.5 MB,
 * before) it dropped about 1% of a 2 Gbit/s flow, and each drop cost the flow a retransmission and
 * a smaller window. The instance-wide budget bounds the sum, so many sources each within their
 * limit cannot together exhaust the heap.
 *
 * <p>Thread-safety: immutable.
 *
 * @param perSourceBytes the most bytes one source may have waiting for one destination
 * @param memoryBytes the most bytes all queues of the instance hold together; 0 = a quarter of the
 *     maximum heap
 */
public record QueueLimits(long perSourceBytes, long memoryBytes) {
  /** Checks the values. */
  public QueueLimits {
    if (perSourceBytes < 2L * Frames.MAX_PAYLOAD_BYTES) {
      throw new ConfigException(
          "--relay-queue-per-source must be at least " + 2 * Frames.MAX_PAYLOAD_BYTES + " bytes");
    }
    if (memoryBytes != 0 && memoryBytes < perSourceBytes) {
      throw new ConfigException(
          "--relay-queue-memory must be 0 (a quarter of the heap) or at least"
              + " --relay-queue-per-source");
    }
  }

  /** The instance-wide budget in bytes, with 0 resolved against this JVM's maximum heap. */
  public long budgetBytes() {
    return memoryBytes != 0 ? memoryBytes : Runtime.getRuntime().maxMemory() / 4;
  }
}
