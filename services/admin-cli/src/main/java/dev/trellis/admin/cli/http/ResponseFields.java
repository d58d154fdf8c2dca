package dev.trellis.admin.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.failure.ResponseException;

/**
 * Reads required fields from the server's JSON answers, turning a missing or mistyped field into a
 * {@link ResponseException} that names it instead of a null pointer later.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class ResponseFields {
  private ResponseFields() {}

  /** The object {@code node} itself, or a failure naming {@code what}. */
  public static JsonNode object(JsonNode node, String what) throws ResponseException {
    if (node == null || !node.isObject()) {
      throw new ResponseException("the server's answer has no " + what + " object");
    }
    return node;
  }

  /** The array at {@code field} of {@code obj}. */
  public static JsonNode array(JsonNode obj, String field) throws ResponseException {
    JsonNode v = obj.get(field);
    if (v == null || !v.isArray()) {
      throw new ResponseException("the server's answer has no '" + field + "' array");
    }
    return v;
  }

  /** The text at {@code field} of {@code obj} (a number is accepted and printed as text). */
  public static String text(JsonNode obj, String field) throws ResponseException {
    JsonNode v = obj.get(field);
    if (v == null || !(v.isTextual() || v.isNumber())) {
      throw new ResponseException("the server's answer has no '" + field + "' text");
    }
    return v.asText();
  }

  /** The text at {@code field} of {@code obj}, or null when absent or null. */
  public static String optionalText(JsonNode obj, String field) {
    JsonNode v = obj.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  /** The whole number at {@code field} of {@code obj}. */
  public static long number(JsonNode obj, String field) throws ResponseException {
    JsonNode v = obj.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new ResponseException("the server's answer has no '" + field + "' number");
    }
    return v.asLong();
  }

  /** The boolean at {@code field} of {@code obj}. */
  public static boolean bool(JsonNode obj, String field) throws ResponseException {
    JsonNode v = obj.get(field);
    if (v == null || !v.isBoolean()) {
      throw new ResponseException("the server's answer has no '" + field + "' true/false");
    }
    return v.asBoolean();
  }
}
