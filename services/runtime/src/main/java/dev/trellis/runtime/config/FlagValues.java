package dev.trellis.runtime.config;

import java.util.Map;

/**
 * The parsed values of a {@link FlagSet}, read back with the {@link Flag} that declared them.
 *
 * <p>Thread-safety: immutable.
 */
public final class FlagValues {
  private final Map<String, Object> values;
  private final Map<String, Source> sources;

  /** Where a value came from. */
  public enum Source {
    /** The command line. */
    FLAG,
    /** An environment variable. */
    ENV,
    /** The declared default. */
    DEFAULT
  }

  FlagValues(Map<String, Object> values, Map<String, Source> sources) {
    this.values = Map.copyOf(values);
    this.sources = Map.copyOf(sources);
  }

  /** The value of {@code flag}; throws IllegalArgumentException if the flag was not declared. */
  @SuppressWarnings("unchecked")
  public <T> T get(Flag<T> flag) {
    Object value = values.get(flag.name());
    if (value == null) {
      throw new IllegalArgumentException(flag.name() + " is not declared in this flag set");
    }
    return (T) value;
  }

  /** Where the value of {@code flag} came from. */
  public Source source(Flag<?> flag) {
    Source source = sources.get(flag.name());
    if (source == null) {
      throw new IllegalArgumentException(flag.name() + " is not declared in this flag set");
    }
    return source;
  }
}
