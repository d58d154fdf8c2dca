package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PingArgsTest {
  @Test
  void acceptsTheFormsPingUsersType() throws Exception {
    PingArgs want = new PingArgs("web", 3);
    assertEquals(want, PingArgs.parse(List.of("-c", "3", "web")));
    assertEquals(want, PingArgs.parse(List.of("web", "-c", "3")));
    assertEquals(want, PingArgs.parse(List.of("-c3", "web")));
    assertEquals(want, PingArgs.parse(List.of("-c=3", "web")));
    assertEquals(want, PingArgs.parse(List.of("web", "--c", "3")));
    assertEquals(want, PingArgs.parse(List.of("--count=3", "web")));
    assertEquals(new PingArgs("100.64.0.2", 4), PingArgs.parse(List.of("100.64.0.2")));
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertTrue(message(List.of()).contains("usage: trellis ping [-c N] PEER"));
    assertTrue(message(List.of("-c", "3")).contains("usage: trellis ping"));
    assertTrue(message(List.of("web", "-c")).contains("-c needs a number"));
    assertTrue(message(List.of("-c", "x", "web")).contains("-c must be a number, got 'x'"));
    assertTrue(message(List.of("-c", "0", "web")).contains("between 1 and 100, got 0"));
    assertTrue(message(List.of("-c", "101", "web")).contains("between 1 and 100, got 101"));
    assertTrue(message(List.of("-W", "1", "web")).contains("unknown flag -W"));
    assertTrue(message(List.of("a", "b")).contains("one peer only, got 'a' and 'b'"));
  }

  private static String message(List<String> args) {
    return assertThrows(UsageError.class, () -> PingArgs.parse(args)).getMessage();
  }

  @Property(tries = 2000)
  void anyArgumentsParseOrAreAUsageErrorNeverAnotherException(@ForAll List<String> args) {
    try {
      PingArgs p = PingArgs.parse(args);
      assertTrue(p.count() >= 1 && p.count() <= PingArgs.MAX_COUNT);
      assertTrue(args.contains(p.peer()));
    } catch (UsageError e) {
      assertTrue(e.getMessage().startsWith("trellis ping") || e.getMessage().startsWith("usage"));
    }
  }
}
