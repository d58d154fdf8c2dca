package dev.trellis.admin.cli.args;

import dev.trellis.admin.cli.failure.UsageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The result of parsing a command line against a set of {@link Option}s: option values, flags that
 * were given, and the positional arguments in order.
 *
 * <p>Immutable, so safe to share between threads.
 *
 * @param values the value of each valued option that was given (the last one wins)
 * @param flags the flags that were given
 * @param positionals the arguments that are not options, in order
 */
public record ParsedArgs(Map<String, String> values, Set<String> flags, List<String> positionals) {
  public ParsedArgs {
    values = Map.copyOf(values);
    flags = Set.copyOf(flags);
    positionals = List.copyOf(positionals);
  }

  /** The value of option {@code name}, if it was given. */
  public Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The value of option {@code name}, or a usage error naming it when it was not given. */
  public String required(String name) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException("missing --" + name);
    }
    return v;
  }

  /** True when flag {@code name} was given. */
  public boolean has(String name) {
    return flags.contains(name);
  }

  /**
   * The positional arguments, checked to be exactly {@code names.length} long; a usage error names
   * the first missing one or the first unexpected one.
   */
  public List<String> positionals(String... names) throws UsageException {
    if (positionals.size() < names.length) {
      throw new UsageException("missing argument " + names[positionals.size()]);
    }
    if (positionals.size() > names.length) {
      throw new UsageException("unexpected argument '" + positionals.get(names.length) + "'");
    }
    return positionals;
  }
}
