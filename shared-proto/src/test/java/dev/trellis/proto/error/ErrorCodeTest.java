package dev.trellis.proto.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void codesAreUniqueAndUpperSnakeCase() {
    Set<String> seen = new HashSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      assertTrue(seen.add(c.code()), "duplicate code " + c.code());
      assertTrue(c.code().matches("[A-Z][A-Z0-9_]*"), "bad code shape " + c.code());
      assertTrue(c.httpStatus() >= 200 && c.httpStatus() <= 599, c + " status " + c.httpStatus());
      assertFalse(c.defaultMessage().isBlank(), c + " has no message");
    }
  }

  @Test
  void codesMatchTheCheckedInList() throws IOException {
    Map<String, Integer> pinned = readPinned();
    Map<String, Integer> actual = new LinkedHashMap<>();
    for (ErrorCode c : ErrorCode.values()) {
      actual.put(c.code(), c.httpStatus());
    }
    for (var e : pinned.entrySet()) {
      assertTrue(
          actual.containsKey(e.getKey()),
          "released code " + e.getKey() + " disappeared; codes are never removed or renamed");
      assertEquals(e.getValue(), actual.get(e.getKey()), "HTTP status of " + e.getKey());
    }
    for (String code : actual.keySet()) {
      assertTrue(pinned.containsKey(code), "new code " + code + ": add it to error-codes.txt");
    }
  }

  @Test
  void fromCodeFindsEveryConstant() {
    for (ErrorCode c : ErrorCode.values()) {
      assertSame(c, ErrorCode.fromCode(c.code()));
    }
  }

  @Test
  void unknownCodesYieldUnknownNotAnException() {
    assertSame(ErrorCode.UNKNOWN, ErrorCode.fromCode("SOME_FUTURE_CODE"));
    assertSame(ErrorCode.UNKNOWN, ErrorCode.fromCode(""));
    assertSame(ErrorCode.UNKNOWN, ErrorCode.fromCode(null));
    assertSame(ErrorCode.UNKNOWN, ErrorCode.fromCode("auth_key_expired"));
    assertFalse(ErrorCode.UNKNOWN.isKnown());
    assertTrue(ErrorCode.AUTH_KEY_EXPIRED.isKnown());
  }

  @Property(tries = 500)
  void fromCodeNeverThrows(@ForAll String anything) {
    assertNotNull(ErrorCode.fromCode(anything));
  }

  private static Map<String, Integer> readPinned() throws IOException {
    Map<String, Integer> pinned = new LinkedHashMap<>();
    try (InputStream in = ErrorCodeTest.class.getResourceAsStream("/error-codes.txt")) {
      assertNotNull(in, "error-codes.txt missing from test resources");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        assertEquals(2, parts.length, "bad line in error-codes.txt: " + line);
        assertFalse(pinned.containsKey(parts[0]), "listed twice: " + parts[0]);
        pinned.put(parts[0], Integer.parseInt(parts[1]));
      }
    }
    return pinned;
  }
}
