package dev.trellis.runtime.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.StringValue;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.time.Clock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Random and mutated bytes never make the decoder throw anything but UnreadableEventException. */
class EnvelopeDecoderFuzzTest {
  private static final byte[] VALID =
      new Events(Clock.systemUTC())
          .draft("tn", "agg", TestBroker.SYSTEM, StringValue.of("hello"))
          .subject("s")
          .build()
          .toByteArray();

  @Property(tries = 2000)
  void randomBytesDecodeOrAreRejectedCleanly(@ForAll @Size(max = 300) byte[] bytes) {
    decodeOrReject(bytes);
  }

  @Property(tries = 2000)
  void mutatedEnvelopesDecodeOrAreRejectedCleanly(
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 10_000) int cut) {
    byte[] b = VALID.clone();
    b[position % b.length] = value;
    byte[] truncated = java.util.Arrays.copyOf(b, cut % (b.length + 1));
    decodeOrReject(b);
    decodeOrReject(truncated);
  }

  @Property(tries = 10)
  void theValidEnvelopeDecodes(@ForAll boolean unused) throws Exception {
    assertEquals(EventEnvelope.parseFrom(VALID), EnvelopeDecoder.decode(VALID));
  }

  private static void decodeOrReject(byte[] bytes) {
    try {
      EventEnvelope e = EnvelopeDecoder.decode(bytes);
      assertEquals(false, e.getEventId().isEmpty());
    } catch (UnreadableEventException expected) {
      // a clean rejection
    }
  }
}
