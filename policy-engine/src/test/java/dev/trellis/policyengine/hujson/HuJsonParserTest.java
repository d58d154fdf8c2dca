package dev.trellis.policyengine.hujson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HuJsonParserTest {
  @Test
  void commentsAndTrailingCommasAreAccepted() throws Exception {
    JsonValue v =
        HuJsonParser.parse(
            """
            // leading comment
            {
              /* block
                 comment */ "a": [1, 2, "x",], // trailing
              "b": {"c": true, "d": null,},
            }
            """);
    JsonValue.Obj o = (JsonValue.Obj) v;
    JsonValue.Arr a = (JsonValue.Arr) o.member("a").orElseThrow().value();
    assertEquals(3, a.items().size());
    assertEquals(new JsonValue.Str("x", new Position(4, 29)), a.items().get(2));
    assertEquals(new Position(4, 17), o.member("a").get().keyPos());
    JsonValue.Obj b = (JsonValue.Obj) o.member("b").get().value();
    assertEquals(new Position(5, 8), b.pos());
    assertEquals(List.of("c", "d"), b.members().stream().map(JsonValue.Member::key).toList());
  }

  @Test
  void escapesDecode() throws Exception {
    JsonValue.Str s = (JsonValue.Str) HuJsonParser.parse("\"a\\n\\t\\\"\\u0041\\/\"");
    assertEquals("a\n\t\"A/", s.value());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": 1,, }|1:9|expected a quoted key",
        "{\"a\" 1}|1:6|expected ':'",
        "[1 2]|1:4|expected ',' or ']'",
        "{\"a\": 1, \"a\": 2}|1:10|duplicate key",
        "\"abc|1:1|unterminated string",
        "/* open|1:1|unterminated /* comment",
        "[01]|1:2|leading zero",
        "{} x|1:4|after the document",
        "tru|1:1|unknown word",
        "[1.]|1:4|digits expected",
        "\"\\x\"|1:2|unknown escape",
        "[|1:2|unexpected end",
        "{|1:1|unterminated object",
      })
  void errorsPointAtTheirPlace(String text, String pos, String message) {
    HuJsonException e = assertThrows(HuJsonException.class, () -> HuJsonParser.parse(text));
    assertEquals(pos, e.pos().toString(), e.getMessage());
    assertEquals(true, e.detail().contains(message), e.getMessage());
  }

  @Test
  void errorOnALaterLineCountsLines() {
    HuJsonException e =
        assertThrows(
            HuJsonException.class,
            () -> HuJsonParser.parse("{\n  // c\n  \"a\": [\n    1,\n    x\n]}"));
    assertEquals(new Position(5, 5), e.pos());
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "[".repeat(100_000);
    HuJsonException e = assertThrows(HuJsonException.class, () -> HuJsonParser.parse(deep));
    assertEquals(true, e.detail().contains("nesting deeper"));
  }

  @Test
  void aByteOrderMarkIsSkipped() throws Exception {
    assertEquals(new Position(1, 1), HuJsonParser.parse("\uFEFF{}").pos());
    HuJsonException e = assertThrows(HuJsonException.class, () -> HuJsonParser.parse("\uFEFF{x"));
    assertEquals(new Position(1, 2), e.pos());
  }

  @Test
  void rawControlCharacterInStringIsRefused() {
    assertThrows(HuJsonException.class, () -> HuJsonParser.parse("\"a\nb\""));
  }
}
