package dev.trellis.runtime.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.type.CollectionType;
import java.io.IOException;
import java.util.Collection;

/**
 * Bounds every list of a request body read by {@link JsonBodies} to {@value #MAX_ITEMS} items, so a
 * body within the size limit cannot smuggle tens of thousands of tags or domains into the log. A
 * longer list is a {@link TextDeserializer.Refused} naming the field.
 *
 * <p>Thread-safety: immutable.
 */
final class ItemLimit extends BeanDeserializerModifier {
  /** The most items one list of a request body may have. */
  static final int MAX_ITEMS = 256;

  @Override
  public JsonDeserializer<?> modifyCollectionDeserializer(
      DeserializationConfig config,
      CollectionType type,
      BeanDescription beanDesc,
      JsonDeserializer<?> deserializer) {
    return new Checked(deserializer);
  }

  /** Reads the list with the given deserializer, then checks its size. */
  private static final class Checked extends DelegatingDeserializer {
    Checked(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new Checked(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object value = super.deserialize(p, ctxt);
      if (value instanceof Collection<?> c && c.size() > MAX_ITEMS) {
        throw new TextDeserializer.Refused(p, "At most " + MAX_ITEMS + " items are allowed.");
      }
      return value;
    }
  }
}
