package dev.trellis.load.control;

import dev.trellis.proto.control.v1.MapResponse;
import java.util.List;

/**
 * What a set of devices has received so far, summed: record bytes by frame kind, then frame counts
 * by frame kind ({@link #FRAMES} + kind ordinal), in one array so two readings subtract.
 *
 * <p>Thread-safety: stateless.
 */
final class Traffic {
  /** Offset of the frame counts in a reading. */
  static final int FRAMES = MapResponse.FrameCase.values().length;

  private Traffic() {}

  static long[] of(List<SimDevice> ds) {
    long[] r = new long[2 * FRAMES];
    for (SimDevice d : ds) {
      for (int k = 0; k < FRAMES; k++) {
        r[k] += d.bytesByKind.get(k);
        r[FRAMES + k] += d.framesByKind.get(k);
      }
    }
    return r;
  }

  /** Bytes of every frame kind but keepalives in a reading. */
  static long nonKeepalive(long[] reading) {
    long sum = 0;
    for (int k = 0; k < FRAMES; k++) {
      if (k != MapResponse.FrameCase.KEEPALIVE.ordinal()) {
        sum += reading[k];
      }
    }
    return sum;
  }
}
