package dev.trellis.coordinator.channel;

import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a full netmap that would not fit in one channel record into parts ({@code more_parts} on
 * every part but the last, the same version, token and time on all): the first part carries
 * everything but the peers that do not fit, the others only peers. Merging the parts' {@code full}
 * in order (protobuf merge) gives back the original. Frames that fit are returned as they are.
 *
 * <p>Thread-safety: stateless.
 */
final class NetmapParts {
  /** Serialized bytes per part: well under the 4 MiB record, with room for the record's header. */
  static final int PART_BYTES = 3 << 20;

  private NetmapParts() {}

  /** {@code frame} as one or more frames, each at most about {@code maxBytes} serialized. */
  static List<MapResponse> split(MapResponse frame, int maxBytes) {
    if (!frame.hasFull() || frame.getSerializedSize() <= maxBytes) {
      return List.of(frame);
    }
    FullNetmap full = frame.getFull();
    MapResponse head = frame.toBuilder().clearFull().build();
    int overhead = head.getSerializedSize() + 16;
    List<FullNetmap> parts = new ArrayList<>();
    FullNetmap.Builder part = full.toBuilder().clearPeers();
    int size = overhead + part.build().getSerializedSize();
    boolean any = false;
    for (Node peer : full.getPeersList()) {
      int n = peer.getSerializedSize() + 6;
      if (any && size + n > maxBytes) {
        parts.add(part.build());
        part = FullNetmap.newBuilder();
        size = overhead;
        any = false;
      }
      part.addPeers(peer);
      size += n;
      any = true;
    }
    parts.add(part.build());
    List<MapResponse> out = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      out.add(head.toBuilder().setFull(parts.get(i)).setMoreParts(i < parts.size() - 1).build());
    }
    return out;
  }
}
