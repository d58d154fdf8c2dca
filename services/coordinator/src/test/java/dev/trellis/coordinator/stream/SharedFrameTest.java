package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Timestamp;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.PacketFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frame's body serialized once, with each session's stamp appended, parses as the stamped frame;
 * the per-change cache gives devices with equal frames (filters built separately from the same
 * rules) one serialization and devices with different frames their own.
 */
class SharedFrameTest {
  private static final FilterRule A =
      FilterRule.newBuilder().addAllSrcPrefixes(List.of("100.64.0.1/32", "100.64.0.2/32")).build();
  private static final FilterRule B = FilterRule.newBuilder().addSrcPrefixes("*").build();

  private static MapResponse filter(FilterRule... rules) {
    return MapResponse.newBuilder()
        .setPacketFilterChanged(PacketFilter.newBuilder().addAllRules(List.of(rules)))
        .build();
  }

  @Test
  void theBodyAndTheStampParseAsTheStampedFrame() throws Exception {
    MapResponse frame = filter(A, B);
    MapResponse stamp =
        MapResponse.newBuilder()
            .setNetmapVersion(300)
            .setResumeToken("tok")
            .setSentAt(Timestamp.newBuilder().setSeconds(1_800_000_000L).setNanos(7))
            .build();
    StampedFrame stamped = new StampedFrame(frame, frame.toByteArray(), stamp.toByteArray());
    assertEquals(
        frame.toBuilder().mergeFrom(stamp).build(), MapResponse.parseFrom(stamped.encoded()));
    assertEquals(frame.toBuilder().mergeFrom(stamp).build(), stamped.stamped());
  }

  @Test
  void equalFramesShareOneSerializationWithinAChange() {
    SharedFrame.Cache cache = new SharedFrame.Cache();
    MapResponse first = filter(A, B);
    MapResponse again = filter(A, B); // another device of the segment: built anew, equal
    MapResponse other = filter(B);
    SharedFrame f1 = cache.get(first, () -> first);
    assertSame(f1, cache.get(again, () -> again));
    SharedFrame f2 = cache.get(other, () -> other);
    assertNotSame(f1, f2);
    assertEquals(other, f2.frame());
  }
}
