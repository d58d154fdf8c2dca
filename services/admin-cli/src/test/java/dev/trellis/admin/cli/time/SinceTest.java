package dev.trellis.admin.cli.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.admin.cli.failure.UsageException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SinceTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private final Since since = new Since(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void relativeDurationsCountBackFromNow() throws Exception {
    assertEquals(Instant.parse("2026-11-24T11:59:15Z"), since.parse("45s"));
    assertEquals(Instant.parse("2026-11-24T11:30:00Z"), since.parse("30m"));
    assertEquals(Instant.parse("2026-11-24T11:00:00Z"), since.parse("1h"));
    assertEquals(Instant.parse("2026-11-17T12:00:00Z"), since.parse("7d"));
    assertEquals(Instant.parse("2026-11-10T12:00:00Z"), since.parse("2w"));
    assertEquals(Instant.parse("2026-11-24T10:30:00Z"), since.parse("1h30m"));
    assertEquals(NOW, since.parse("0m"));
  }

  @Test
  void datesMeanTheirStartInUtc() throws Exception {
    assertEquals(Instant.parse("2026-11-24T00:00:00Z"), since.parse("2026-11-24"));
  }

  @Test
  void instantsAndOffsetsAreAbsolute() throws Exception {
    assertEquals(Instant.parse("2026-11-24T10:00:00Z"), since.parse("2026-11-24T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-24T10:00:00Z"), since.parse("2026-11-24T11:00:00+01:00"));
    assertEquals(
        Instant.parse("2026-11-24T10:00:00.250Z"), since.parse("2026-11-24t10:00:00.250z"));
  }

  @Test
  void otherTextIsAUsageErrorThatExplainsTheForms() {
    for (String bad :
        new String[] {
          "",
          "yesterday",
          "1y",
          "h",
          "-1h",
          "1.5h",
          "2026-13-01",
          "2026-11-24T25:00:00Z",
          "2026-11-24 10:00",
          "99999999999d",
          "999999999w"
        }) {
      UsageException e = assertThrows(UsageException.class, () -> since.parse(bad), bad);
      assertEquals(true, e.getMessage().contains("a duration ago (30m, 1h, 7d)"), e.getMessage());
    }
  }

  @Property(tries = 2000)
  void anyTextParsesOrIsAUsageError(@ForAll String text) {
    try {
      since.parse(text);
    } catch (UsageException expected) {
      // the only allowed failure
    }
  }

  @Property(tries = 500)
  void aRelativeDurationIsNeverInTheFuture(
      @ForAll("units") String unit, @ForAll @net.jqwik.api.constraints.IntRange(max = 5000) int n)
      throws Exception {
    Instant t = since.parse(n + unit);
    assertEquals(true, !t.isAfter(NOW), t.toString());
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> units() {
    return net.jqwik.api.Arbitraries.of("s", "m", "h", "d", "w");
  }
}
