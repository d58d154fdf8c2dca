package dev.trellis.runtime.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the raw text of a flag or environment variable becomes a typed value. {@link #parse} throws
 * {@link IllegalArgumentException} whose message states the problem with the value (for example
 * {@code 'abc' is not a port number (0-65535)}); the {@link FlagSet} prefixes it with the flag or
 * variable name.
 *
 * <p>Thread-safety: implementations are stateless and safe to share.
 *
 * @param <T> the parsed type
 */
@FunctionalInterface
public interface ValueType<T> {
  /** Parses {@code raw}, or throws {@link IllegalArgumentException} describing the problem. */
  T parse(String raw);

  /** Whether a bare {@code --flag} (no value) means "true". Only booleans say yes. */
  default boolean isSwitch() {
    return false;
  }

  /** Any text, including empty. */
  static ValueType<String> text() {
    return raw -> raw;
  }

  /** Non-empty text without whitespace (names, hosts, cluster names). */
  static ValueType<String> token() {
    return raw -> {
      if (raw.isEmpty() || raw.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "'" + raw + "' must be non-empty and contain no whitespace");
      }
      return raw;
    };
  }

  /** A TCP/UDP port number, 0 to 65535. */
  static ValueType<Integer> port() {
    return raw -> {
      try {
        int port = Integer.parseInt(raw.trim());
        if (port >= 0 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("'" + raw + "' is not a port number (0-65535)");
    };
  }

  /** An integer in {@code [min, max]}. */
  static ValueType<Integer> integer(int min, int max) {
    return raw -> {
      try {
        int value = Integer.parseInt(raw.trim());
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("'" + raw + "' is not an integer in " + min + ".." + max);
    };
  }

  /** A byte size such as {@code 1048576}, {@code 64k}, {@code 1m}, at most {@code max} bytes. */
  static ValueType<Long> bytes(long min, long max) {
    Pattern form = Pattern.compile("(\\d{1,12})([kKmMgG]?)");
    return raw -> {
      Matcher m = form.matcher(raw.trim());
      if (m.matches()) {
        long value = Long.parseLong(m.group(1));
        value *=
            switch (m.group(2).toLowerCase(Locale.ROOT)) {
              case "k" -> 1024L;
              case "m" -> 1024L * 1024;
              case "g" -> 1024L * 1024 * 1024;
              default -> 1L;
            };
        if (value >= min && value <= max) {
          return value;
        }
      }
      throw new IllegalArgumentException(
          "'" + raw + "' is not a byte size in " + min + ".." + max + " (e.g. 65536, 64k, 1m)");
    };
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, at least 1 ms. */
  static ValueType<Duration> duration() {
    Pattern form = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    return raw -> {
      Matcher m = form.matcher(raw.trim());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
        if (!d.isZero()) {
          return d;
        }
      }
      throw new IllegalArgumentException(
          "'" + raw + "' is not a duration (a positive number with ms, s, m or h, e.g. 30s)");
    };
  }

  /** {@code true/false/yes/no/1/0}; a bare flag means true. */
  static ValueType<Boolean> bool() {
    return new ValueType<>() {
      @Override
      public Boolean parse(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
          case "true", "yes", "1", "on" -> true;
          case "false", "no", "0", "off" -> false;
          default -> throw new IllegalArgumentException("'" + raw + "' is not true or false");
        };
      }

      @Override
      public boolean isSwitch() {
        return true;
      }
    };
  }

  /** One of an enum's constants, matched case-insensitively. */
  static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
    return raw -> {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(raw.trim())) {
          return constant;
        }
      }
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException("'" + raw + "' is not one of " + String.join(", ", names));
    };
  }

  /** A file-system path (not checked for existence). */
  static ValueType<Path> path() {
    return raw -> {
      if (raw.isBlank()) {
        throw new IllegalArgumentException("the path is empty");
      }
      try {
        return Path.of(raw);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("'" + raw + "' is not a valid path: " + e.getReason());
      }
    };
  }

  /** A path to an existing, readable regular file. */
  static ValueType<Path> readableFile() {
    ValueType<Path> path = path();
    return raw -> {
      Path p = path.parse(raw);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("'" + raw + "' is not an existing file");
      }
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("'" + raw + "' is not readable");
      }
      return p;
    };
  }

  /**
   * A comma-separated list of {@code host:port} or {@code host} entries (the port defaulting to
   * {@code defaultPort}); empty text gives an empty list.
   */
  static ValueType<List<HostPort>> hostPorts(int defaultPort) {
    return raw -> {
      List<HostPort> out = new ArrayList<>();
      if (raw.isBlank()) {
        return List.of();
      }
      for (String part : raw.split(",", -1)) {
        out.add(HostPort.parse(part.trim(), defaultPort));
      }
      return List.copyOf(out);
    };
  }
}
