package dev.trellis.runtime.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzz-style: random and mutated argument vectors and environments never make the parser throw
 * anything but {@link ConfigException}. Seeded so a failure reproduces.
 */
class FlagSetFuzzTest {
  private static final String[] PIECES = {
    "--http-port",
    "--hazelcast-members",
    "--log-format",
    "--http-max-body",
    "--hazelcast-join-timeout",
    "--kafka-bootstrap",
    "--hazelcast-config",
    "--state-dir",
    "--hazelcast-min-members",
    "--",
    "-",
    "=",
    "",
    " ",
    "[",
    "]",
    ":",
    ",",
    "0",
    "65536",
    "99999999999999999999",
    "1m",
    "10s",
    "json",
    "[::1]:1",
    "a:b:c",
    "\u0000",
    "é",
    "--x=",
  };

  @Test
  void randomArgumentsYieldSettingsOrAConfigException() {
    Random random = new Random(20261124L);
    for (int round = 0; round < 20_000; round++) {
      List<String> args = new ArrayList<>();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        args.add(mutate(random, PIECES[random.nextInt(PIECES.length)]));
      }
      Map<String, String> env = new HashMap<>();
      if (random.nextBoolean()) {
        env.put("TRELLIS_HTTP_PORT", mutate(random, "8080"));
        env.put("TRELLIS_HAZELCAST_MEMBERS", mutate(random, "h1:5701,[fd00::2]:1"));
      }
      try {
        Settings.parse(args.toArray(String[]::new), env);
      } catch (ConfigException expected) {
        if (expected.getMessage() == null || expected.getMessage().isBlank()) {
          fail("empty message for " + args + " " + env);
        }
      } catch (RuntimeException e) {
        throw new AssertionError("args " + args + " env " + env + " threw " + e, e);
      }
    }
  }

  private static String mutate(Random random, String s) {
    StringBuilder b = new StringBuilder(s);
    int edits = random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      int at = b.isEmpty() ? 0 : random.nextInt(b.length() + 1);
      switch (random.nextInt(3)) {
        case 0 -> b.insert(at, (char) random.nextInt(0x3000));
        case 1 -> {
          if (at < b.length()) {
            b.deleteCharAt(at);
          }
        }
        default -> b.insert(at, PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return b.toString();
  }
}
