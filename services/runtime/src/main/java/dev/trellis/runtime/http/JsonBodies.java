package dev.trellis.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
 * strict Jackson mapper: unknown fields, duplicate fields, nulls for primitives, trailing tokens
 * and values of the wrong JSON type are errors ({@code "uses": 1.5} and {@code "uses": "3"} for a
 * number, {@code "name": 5} for a string, {@code "reusable": "true"} for a boolean); every string
 * is bounded ({@link MaxLength}, by default {@link TextField#DEFAULT_MAX} characters) and may not
 * carry control or bidirectional formatting characters; a list has at most 256 items and nesting is
 * at most {@value #MAX_DEPTH} deep. A body that does not fit becomes {@code 400 BAD_REQUEST} whose
 * {@code field} names the place at fault ({@code endpoints[1].port}) and whose message says what
 * was expected, without Java class names or the offending text. Requires the {@link ApiRouter}'s
 * body handler to have run.
 *
 * <p>Thread-safety: stateless; the mapper is thread-safe.
 */
public final class JsonBodies {
  /** The deepest nesting of arrays and objects a body may have. */
  public static final int MAX_DEPTH = 32;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .addModule(
              new SimpleModule("trellis-bounds")
                  .addDeserializer(String.class, new TextDeserializer())
                  .setDeserializerModifier(new ItemLimit()))
          .build();

  private static final String DUPLICATE = "Duplicate field '";

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
    } catch (StreamConstraintsException e) {
      throw ApiException.of(
          ErrorCode.BAD_REQUEST, "The JSON body is nested more than " + MAX_DEPTH + " deep.");
    } catch (StreamReadException e) {
      if (e.getOriginalMessage() != null
          && e.getOriginalMessage().startsWith(DUPLICATE)
          && e.getProcessor() instanceof JsonParser p) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST, path(p.getParsingContext()), "Duplicate field.");
      }
      var at = e.getLocation();
      throw ApiException.of(
          ErrorCode.BAD_REQUEST,
          "Malformed JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ".");
    } catch (TextDeserializer.Refused e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, path(e), e.getOriginalMessage());
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
      refuseDuplicate(e.getCause());
      throw ApiException.field(ErrorCode.BAD_REQUEST, path(e), "Invalid value.");
    } catch (IOException e) {
      throw ApiException.of(ErrorCode.BAD_REQUEST, "Unreadable JSON body.");
    }
  }

  /**
   * Fails naming the field when {@code failure} is Jackson's duplicate-field error (which it may
   * wrap when the duplicate is inside a nested object); does nothing otherwise.
   */
  private static void refuseDuplicate(Throwable failure) {
    if (failure instanceof StreamReadException e
        && e.getOriginalMessage() != null
        && e.getOriginalMessage().startsWith(DUPLICATE)
        && e.getProcessor() instanceof JsonParser p) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, path(p.getParsingContext()), "Duplicate field.");
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
    return capped(out);
  }

  /** The path of the field the parser is at, e.g. {@code tags[2]} or {@code oidc.issuer}. */
  static String path(JsonStreamContext at) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.push(c.getCurrentName());
      } else if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      if (!out.isEmpty() && !part.startsWith("[")) {
        out.append('.');
      }
      out.append(part);
    }
    return capped(out);
  }

  /** A path for the answer: {@code $} for the root, at most 128 characters of a client's names. */
  private static String capped(StringBuilder path) {
    if (path.isEmpty()) {
      return "$";
    }
    return path.length() <= 128 ? path.toString() : path.substring(0, 128) + "...";
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
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class) {
      return "an integer";
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
