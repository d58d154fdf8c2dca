package dev.trellis.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request bodies: wrong JSON types, duplicate fields and unbounded text are refused, named. */
class JsonBodiesStrictTest {
  record Inner(Integer x) {}

  record Body(
      String name,
      Integer uses,
      Long version,
      Boolean flag,
      List<String> tags,
      @MaxLength(1024) String password,
      Inner inner) {}

  private static ApiException refused(String json) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> JsonBodies.parse(json.getBytes(StandardCharsets.UTF_8), Body.class),
            json);
    assertEquals(ErrorCode.BAD_REQUEST, e.code(), json);
    return e;
  }

  private static void refused(String json, String field, String message) {
    ApiException e = refused(json);
    assertEquals(field, e.field(), json + ": " + e.getMessage());
    assertEquals(message, e.getMessage(), json);
  }

  private static Body parsed(String json) {
    return JsonBodies.parse(json.getBytes(StandardCharsets.UTF_8), Body.class);
  }

  @Test
  void numbersMustBeIntegersOfTheJsonNumberType() {
    refused("{\"uses\":1.5}", "uses", "Expected an integer.");
    refused("{\"uses\":3.0}", "uses", "Expected an integer.");
    refused("{\"uses\":\"3\"}", "uses", "Expected an integer.");
    refused("{\"version\":\"7\"}", "version", "Expected an integer.");
    refused("{\"uses\":true}", "uses", "Expected an integer.");
    refused("{\"inner\":{\"x\":2.5}}", "inner.x", "Expected an integer.");
    assertEquals(3, parsed("{\"uses\":3}").uses());
  }

  @Test
  void stringsAndBooleansAreNotCoerced() {
    refused("{\"name\":5}", "name", "Expected a string.");
    refused("{\"name\":true}", "name", "Expected a string.");
    refused("{\"flag\":\"true\"}", "flag", "Expected true or false.");
    refused("{\"flag\":1}", "flag", "Expected true or false.");
    refused("{\"tags\":[1]}", "tags[0]", "Expected a string.");
    refused("{\"tags\":\"tag:a\"}", "tags", "Expected an array.");
    assertEquals(Boolean.TRUE, parsed("{\"flag\":true,\"name\":null}").flag());
  }

  @Test
  void duplicateFieldsAreRefusedNamingTheField() {
    refused("{\"uses\":3,\"uses\":4}", "uses", "Duplicate field.");
    refused("{\"name\":\"a\",\"uses\":1,\"name\":\"b\"}", "name", "Duplicate field.");
    refused("{\"inner\":{\"x\":1,\"x\":2}}", "inner.x", "Duplicate field.");
  }

  @Test
  void everyStringIsBoundedAndHasNoControlOrBidiCharacters() {
    refused(
        "{\"name\":\"" + "a".repeat(257) + "\"}", "name", "At most 256 characters are allowed.");
    assertEquals(256, parsed("{\"name\":\"" + "a".repeat(256) + "\"}").name().length());
    refused(
        "{\"password\":\"" + "p".repeat(1025) + "\"}",
        "password",
        "At most 1024 characters are allowed.");
    assertEquals(1024, parsed("{\"password\":\"" + "p".repeat(1024) + "\"}").password().length());
    refused(
        "{\"tags\":[\"ok\",\"" + "t".repeat(300) + "\"]}",
        "tags[1]",
        "At most 256 characters are allowed.");
    refused("{\"name\":\"host\\nname\"}", "name", "Control characters are not allowed.");
    refused("{\"name\":\"\\u001b[31mred\"}", "name", "Control characters are not allowed.");
    refused(
        "{\"name\":\"abc\\u202Etxt.exe\"}",
        "name",
        "Bidirectional formatting characters (such as U+202E) are not allowed.");
    // The text itself is never echoed back.
    ApiException e = refused("{\"name\":\"" + "secret".repeat(100) + "\"}");
    assertFalse(e.getMessage().contains("secret"));
    assertEquals("Ada Lovelace – 数学", parsed("{\"name\":\"Ada Lovelace – 数学\"}").name());
  }

  @Test
  void listsAndNestingAreBounded() {
    StringBuilder many = new StringBuilder("{\"tags\":[");
    for (int i = 0; i < 257; i++) {
      many.append(i == 0 ? "" : ",").append("\"t\"");
    }
    refused(many.append("]}").toString(), "tags", "At most 256 items are allowed.");
    String deep = "{\"inner\":" + "[".repeat(40) + "]".repeat(40) + "}";
    refused(deep);
  }
}
