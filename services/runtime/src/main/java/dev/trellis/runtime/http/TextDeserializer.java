package dev.trellis.runtime.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/**
 * How {@link JsonBodies} reads every string of a request body: only a JSON string or null (never a
 * number or boolean coerced to text), at most {@link MaxLength} characters (default {@link
 * TextField#DEFAULT_MAX}), and nothing {@link TextField} refuses. A refusal is a {@link Refused}
 * that names the problem; {@link JsonBodies} adds the field's path.
 *
 * <p>Thread-safety: immutable.
 */
final class TextDeserializer extends StdScalarDeserializer<String>
    implements ContextualDeserializer {
  private final int max;

  TextDeserializer() {
    this(TextField.DEFAULT_MAX);
  }

  private TextDeserializer(int max) {
    super(String.class);
    this.max = max;
  }

  /** A string the rules refuse; its message is for the client. */
  static final class Refused extends JsonMappingException {
    Refused(JsonParser p, String message) {
      super(p, message);
    }
  }

  @Override
  public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
    MaxLength limit = property == null ? null : property.getAnnotation(MaxLength.class);
    return limit == null || limit.value() == max ? this : new TextDeserializer(limit.value());
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
    String text = p.getText();
    String problem = TextField.problem(text, max);
    if (problem != null) {
      throw new Refused(p, problem);
    }
    return text;
  }
}
