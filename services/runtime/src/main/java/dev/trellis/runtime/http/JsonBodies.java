package dev.trellis.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trellis.proto.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads JSON request bodies into Java types (records work) and writes JSON responses, with one
 * strict Jackson mapper: unknown fields, nulls for primitives and trailing tokens are errors. A
 * body that does not fit becomes {@code 400 BAD_REQUEST} whose {@code field} names the place at
 * fault ({@code endpoints[1].port}) and whose message says what was expected, without Java class
 * names. Requires the {@link ApiRouter}'s body handler to have run.
 *
 * <p>Thread-safety: stateless; the mapper is thread-safe.
 */
public final class JsonBodies {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .build();

  private JsonBodies() {}

  /**
   * The request body as a {@code type}.
   *
   * @throws ApiException 400 naming the field at fault, 415 for a non-JSON content type
   */
  public static <T> T read(RoutingContext ctx, Class<T> type) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType != null
        && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw ApiException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be application/json.");
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.of(ErrorCode.BAD_REQUEST, "A JSON request body is required.");
    }
    return parse(body.getBytes(), type);
  }

  /**
   * Parses {@code json} as a {@code type}.
   *
   * @throws ApiException 400 naming the field at fault
   */
  public static <T> T parse(byte[] json, Class<T> type) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw ApiException.of(ErrorCode.BAD_REQUEST, "The request body must not be null.");
      }
      return value;
    } catch (StreamReadException e) {
      var at = e.getLocation();
      throw ApiException.of(
          ErrorCode.BAD_REQUEST,
          "Malformed JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ".");
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, path(e), "Unknown field.");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      String reason =
          cause instanceof IllegalArgumentException && cause.getMessage() != null
              ? cause.getMessage()
              : "Invalid value.";
      throw ApiException.field(ErrorCode.BAD_REQUEST, path(e), reason);
    } catch (MismatchedInputException e) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, path(e), "Expected " + describe(e.getTargetType()) + ".");
    } catch (JsonMappingException e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, path(e), "Invalid value.");
    } catch (IOException e) {
      throw ApiException.of(ErrorCode.BAD_REQUEST, "Unreadable JSON body.");
    }
  }

  /** Ends the response with {@code status} and {@code value} as JSON. */
  public static void reply(RoutingContext ctx, int status, Object value) {
    byte[] json;
    try {
      json = MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(json));
  }

  /** The JSON path of a mapping error, e.g. {@code peers[2].key}; {@code $} for the root. */
  static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!out.isEmpty()) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.isEmpty() ? "$" : out.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a different value";
    }
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type.isEnum()) {
      List<String> names = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
      return "one of " + String.join(", ", names);
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return "an object";
  }
}
