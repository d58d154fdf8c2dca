package dev.trellis.agent.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code --name value}, {@code --name=value} and bare boolean {@code --name} flags against a
 * fixed set of known names; anything else is a {@link UsageError} naming the flag.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class Flags {
  private final Map<String, String> values = new HashMap<>();

  /**
   * @param args the arguments after the command words
   * @param withValue flags that take a value
   * @param booleans flags that take none
   */
  Flags(List<String> args, Set<String> withValue, Set<String> booleans) throws UsageError {
    this(args, withValue, booleans, Set.of());
  }

  /**
   * @param args the arguments after the command words
   * @param withValue flags that take a value
   * @param booleans flags that take none
   * @param mayBeEmpty flags of {@code withValue} whose value may be empty ({@code
   *     --advertise-routes=} clears)
   */
  Flags(List<String> args, Set<String> withValue, Set<String> booleans, Set<String> mayBeEmpty)
      throws UsageError {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new UsageError("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        if (value != null) {
          throw new UsageError("--" + name + " takes no value");
        }
        values.put(name, "true");
      } else if (withValue.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageError("--" + name + " needs a value");
          }
          value = args.get(++i);
        }
        if (value.isEmpty() && !mayBeEmpty.contains(name)) {
          throw new UsageError("--" + name + " needs a non-empty value");
        }
        values.put(name, value);
      } else {
        throw new UsageError("unknown flag --" + name);
      }
    }
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  int getInt(String name, int fallback, int min, int max) throws UsageError {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new UsageError("--" + name + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageError("--" + name + " must be a number, got '" + v + "'");
    }
  }
}
