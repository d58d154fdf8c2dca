package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.protobuf.Timestamp;
import dev.trellis.proto.control.v1.MapResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StampedFrameTest {

  private static byte[] byBuilder(long version, String token, Instant now) {
    return MapResponse.newBuilder()
        .setNetmapVersion(version)
        .setResumeToken(token)
        .setSentAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build()
        .toByteArray();
  }

  private static void same(long version, String token, Instant now) {
    assertArrayEquals(
        byBuilder(version, token, now),
        StampedFrame.stamp(version, token.getBytes(StandardCharsets.UTF_8), now),
        version + " " + token + " " + now);
  }

  @Test
  void edgeValuesSerializeAsTheMessageWould() {
    same(0, "", Instant.EPOCH);
    same(1, "", Instant.ofEpochSecond(0, 1));
    same(Long.MAX_VALUE, "r-1", Instant.ofEpochSecond(1, 0));
    same(-1, "t\u00e9", Instant.ofEpochSecond(-5, 999_999_999));
    same(300, "x".repeat(300), Instant.parse("2026-12-07T21:00:00.123456789Z"));
  }

  @Test
  void randomStampsSerializeAsTheMessageWould() {
    java.util.Random r = new java.util.Random(20261207);
    for (int i = 0; i < 2000; i++) {
      long seconds = r.nextLong(-62135596800L, 253402300800L);
      int nanos = r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000);
      long version = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1 << 20);
      StringBuilder token = new StringBuilder();
      for (int n = r.nextInt(40); n > 0; n--) {
        token.appendCodePoint(r.nextInt(3) == 0 ? r.nextInt(0x80, 0x2fff) : r.nextInt(0x20, 0x7f));
      }
      same(version, token.toString(), Instant.ofEpochSecond(seconds, nanos));
    }
  }
}
