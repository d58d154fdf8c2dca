package dev.trellis.agent.controlclient;

import dev.trellis.proto.control.v1.MapResponse;
import java.io.IOException;

/**
 * Puts a full netmap sent in parts back together ({@code MapResponse.more_parts}): parts are merged
 * in order and the whole netmap is handed on only when its last part arrives, so the agent never
 * applies half a netmap. Other frames pass through. A part that does not follow its predecessor (no
 * {@code full}, another version) or parts past {@link #MAX_BYTES} are a protocol error.
 *
 * <p>Thread-safety: not thread-safe; used by the stream's thread.
 */
final class NetmapAssembly {
  /** The most serialized bytes one assembled netmap may take. */
  static final long MAX_BYTES = 256L << 20;

  private MapResponse.Builder pending;
  private long bytes;

  /** The frame to apply, or null while parts of a full netmap are still arriving. */
  MapResponse add(MapResponse frame) throws IOException {
    if (pending == null) {
      if (!frame.getMoreParts()) {
        return frame;
      }
      if (!frame.hasFull()) {
        throw new IOException("more_parts on a frame without a full netmap");
      }
      pending = frame.toBuilder();
      bytes = frame.getSerializedSize();
      return null;
    }
    if (!frame.hasFull() || frame.getNetmapVersion() != pending.getNetmapVersion()) {
      pending = null;
      throw new IOException("a full netmap's parts were interrupted by another frame");
    }
    bytes += frame.getSerializedSize();
    if (bytes > MAX_BYTES) {
      pending = null;
      throw new IOException("a full netmap in parts passed " + MAX_BYTES + " bytes");
    }
    pending.getFullBuilder().mergeFrom(frame.getFull());
    if (frame.getMoreParts()) {
      return null;
    }
    MapResponse whole = pending.setMoreParts(false).build();
    pending = null;
    return whole;
  }
}
