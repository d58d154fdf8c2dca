package dev.trellis.coordinator.channel;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
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
    // Peers may be messages or already encoded (unknown field 2, see NetmapFrames); both split.
    UnknownFieldSet unknown = full.getUnknownFields();
    List<ByteString> encoded =
        unknown.hasField(FullNetmap.PEERS_FIELD_NUMBER)
            ? unknown.getField(FullNetmap.PEERS_FIELD_NUMBER).getLengthDelimitedList()
            : List.of();
    UnknownFieldSet rest =
        UnknownFieldSet.newBuilder(unknown).clearField(FullNetmap.PEERS_FIELD_NUMBER).build();
    List<FullNetmap> parts = new ArrayList<>();
    FullNetmap.Builder part = full.toBuilder().clearPeers().setUnknownFields(rest);
    UnknownFieldSet.Field.Builder bytes = UnknownFieldSet.Field.newBuilder();
    int size = overhead + part.build().getSerializedSize();
    boolean any = false;
    int total = full.getPeersCount() + encoded.size();
    for (int i = 0; i < total; i++) {
      Node peer = i < full.getPeersCount() ? full.getPeers(i) : null;
      ByteString raw = peer == null ? encoded.get(i - full.getPeersCount()) : null;
      int n = (peer != null ? peer.getSerializedSize() : raw.size()) + 6;
      if (any && size + n > maxBytes) {
        parts.add(withEncoded(part, bytes));
        part = FullNetmap.newBuilder();
        bytes = UnknownFieldSet.Field.newBuilder();
        size = overhead;
        any = false;
      }
      if (peer != null) {
        part.addPeers(peer);
      } else {
        bytes.addLengthDelimited(raw);
      }
      size += n;
      any = true;
    }
    parts.add(withEncoded(part, bytes));
    List<MapResponse> out = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      out.add(head.toBuilder().setFull(parts.get(i)).setMoreParts(i < parts.size() - 1).build());
    }
    return out;
  }

  private static FullNetmap withEncoded(FullNetmap.Builder part, UnknownFieldSet.Field.Builder b) {
    UnknownFieldSet.Field f = b.build();
    if (!f.getLengthDelimitedList().isEmpty()) {
      part.setUnknownFields(
          UnknownFieldSet.newBuilder(part.getUnknownFields())
              .addField(FullNetmap.PEERS_FIELD_NUMBER, f)
              .build());
    }
    return part.build();
  }
}
