package dev.trellis.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.event.v1.AccessRefused;
import dev.trellis.proto.event.v1.Actor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refusal rate limit: one record at once per window, the rest as one counted record. */
class RefusalWindowsTest {
  private Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };
  private final Counter unrecorded = new SimpleMeterRegistry().counter("unrecorded");
  private final RefusalWindows windows =
      new RefusalWindows(clock, Duration.ofMinutes(1), unrecorded);
  private static final Actor MALLORY =
      Actor.newBuilder().setKind(Actor.Kind.ANONYMOUS).setId("source:192.0.2.9").build();

  private static AccessRefused refusal(String reason) {
    return AccessRefused.newBuilder().setReasonCode(reason).setPath("/api/v1/users").build();
  }

  @Test
  void theFirstIsRecordedAtOnceAndTheRestAsOneCountedRecordWhenTheWindowCloses() {
    List<RefusalWindows.Record> written = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      written.addAll(windows.add("tn1", MALLORY, refusal("TOKEN_INVALID")));
      now = now.plusMillis(100);
    }
    assertEquals(1, written.size());
    assertEquals(1, written.getFirst().payload().getCount());
    assertEquals(List.of(), windows.closed(false), "the window is still open");
    now = now.plusSeconds(60);
    List<RefusalWindows.Record> held = windows.closed(false);
    assertEquals(1, held.size());
    assertEquals(99, held.getFirst().payload().getCount());
    assertEquals(
        Instant.parse("2026-12-01T10:00:00.100Z").getEpochSecond(),
        held.getFirst().payload().getFirstAt().getSeconds());
    assertEquals(List.of(), windows.closed(true), "nothing is counted twice");
  }

  @Test
  void otherReasonsTailnetsAndCallersHaveTheirOwnWindows() {
    assertEquals(1, windows.add("tn1", MALLORY, refusal("TOKEN_INVALID")).size());
    assertEquals(1, windows.add("tn1", MALLORY, refusal("FORBIDDEN")).size());
    assertEquals(1, windows.add("tn2", MALLORY, refusal("TOKEN_INVALID")).size());
    Actor other = MALLORY.toBuilder().setId("source:192.0.2.10").build();
    assertEquals(1, windows.add("tn1", other, refusal("TOKEN_INVALID")).size());
    assertEquals(0, windows.add("tn1", other, refusal("TOKEN_INVALID")).size());
  }

  @Test
  void aRefusalAfterAnUnflushedClosedWindowWritesItsHeldCountFirst() {
    windows.add("tn1", MALLORY, refusal("TOKEN_INVALID"));
    windows.add("tn1", MALLORY, refusal("TOKEN_INVALID"));
    windows.add("tn1", MALLORY, refusal("TOKEN_INVALID"));
    now = now.plusSeconds(61);
    List<RefusalWindows.Record> written = windows.add("tn1", MALLORY, refusal("TOKEN_INVALID"));
    assertEquals(2, written.size());
    assertEquals(2, written.get(0).payload().getCount());
    assertEquals(1, written.get(1).payload().getCount());
  }

  @Test
  void openWindowsAreBoundedAndWhatDoesNotFitIsCounted() {
    for (int i = 0; i < RefusalWindows.MAX_WINDOWS + 5; i++) {
      windows.add("tn1", MALLORY.toBuilder().setId("source:" + i).build(), refusal("FORBIDDEN"));
    }
    assertEquals(5, unrecorded.count(), 0.0);
    now = now.plusSeconds(61);
    assertTrue(windows.closed(false).isEmpty(), "first refusals were written at once");
    assertEquals(1, windows.add("tn1", MALLORY, refusal("FORBIDDEN")).size());
  }
}
