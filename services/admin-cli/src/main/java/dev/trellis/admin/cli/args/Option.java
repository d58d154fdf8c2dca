package dev.trellis.admin.cli.args;

import java.util.Objects;

/**
 * One long option of a command line, either a flag ({@code --follow}) or an option with a value
 * ({@code --since TIME} or {@code --since=TIME}).
 *
 * <p>Immutable, so safe to share between threads.
 *
 * @param name the name without dashes, e.g. {@code since}
 * @param valueName the placeholder shown in help for the value (e.g. {@code TIME}), or null for a
 *     flag
 * @param help one line of help text
 */
public record Option(String name, String valueName, String help) {
  public Option {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(help, "help");
  }

  /** A flag that takes no value. */
  public static Option flag(String name, String help) {
    return new Option(name, null, help);
  }

  /** An option that takes a value, shown in help as {@code valueName}. */
  public static Option valued(String name, String valueName, String help) {
    return new Option(name, Objects.requireNonNull(valueName, "valueName"), help);
  }

  /** True when the option takes a value. */
  public boolean takesValue() {
    return valueName != null;
  }

  /** The option as written in help: {@code --since TIME} or {@code --follow}. */
  public String display() {
    return takesValue() ? "--" + name + " " + valueName : "--" + name;
  }
}
