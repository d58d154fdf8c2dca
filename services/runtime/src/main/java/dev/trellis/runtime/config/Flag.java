package dev.trellis.runtime.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The declaration of one setting: its flag name ({@code --http-port}), its environment variable
 * ({@code TRELLIS_HTTP_PORT}, or null for none), its type, its default (the raw text, parsed like
 * any other value, or null when the setting is required) and one line of help. A flag is also the
 * key to read its value back from {@link FlagValues}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name the flag, starting with {@code --}
 * @param env the environment variable, or null
 * @param type how to parse and validate the value
 * @param defaultText the default as raw text, or null when the setting must be given
 * @param help one line for the usage text
 * @param <T> the type of the value
 */
public record Flag<T>(String name, String env, ValueType<T> type, String defaultText, String help) {
  private static final Pattern NAME = Pattern.compile("--[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern ENV = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** Validates the declaration (a programming error, so it throws IllegalArgumentException). */
  public Flag {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad flag name: " + name);
    }
    if (env != null && !ENV.matcher(env).matches()) {
      throw new IllegalArgumentException("bad environment variable name: " + env);
    }
  }

  /** A flag with an environment variable and a default. */
  public static <T> Flag<T> of(
      String name, String env, ValueType<T> type, String defaultText, String help) {
    return new Flag<>(name, env, type, defaultText, help);
  }

  /** Whether the setting has no default and must be given. */
  public boolean required() {
    return defaultText == null;
  }
}
