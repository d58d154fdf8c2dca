package dev.trellis.runtime.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The most characters a string field of a request body (or each string of a list field) may have,
 * when it is not {@link TextField#DEFAULT_MAX}. Put it on the record component: {@code record
 * CreateRequest(@MaxLength(1024) String password)}. {@link JsonBodies} enforces it.
 *
 * <p>Thread-safety: an annotation.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.PARAMETER,
  ElementType.METHOD
})
public @interface MaxLength {
  /** The most characters allowed. */
  int value();
}
