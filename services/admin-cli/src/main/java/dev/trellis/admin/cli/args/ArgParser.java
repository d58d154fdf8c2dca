package dev.trellis.admin.cli.args;

import dev.trellis.admin.cli.failure.UsageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses command-line tokens against a set of long {@link Option}s. Accepted forms: {@code --name
 * value}, {@code --name=value}, {@code --flag}, {@code -h} for {@code --help}, and {@code --} to
 * end options. Anything else that starts with a dash is an unknown flag (a usage error); other
 * tokens are positional arguments. A repeated option keeps its last value.
 *
 * <p>Immutable after construction, so safe to share between threads.
 */
public final class ArgParser {
  private final Map<String, Option> options = new LinkedHashMap<>();

  public ArgParser(List<Option> options) {
    for (Option o : options) {
      this.options.putIfAbsent(o.name(), o);
    }
  }

  /** True when {@code name} (without dashes) is one of this parser's options. */
  public boolean knows(String name) {
    return options.containsKey(name);
  }

  /** Parses all of {@code tokens}. */
  public ParsedArgs parse(List<String> tokens) throws UsageException {
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> positionals = new ArrayList<>();
    int i = 0;
    while (i < tokens.size()) {
      String token = tokens.get(i++);
      if (token.equals("--")) {
        positionals.addAll(tokens.subList(i, tokens.size()));
        break;
      }
      if (!isOption(token)) {
        positionals.add(token);
        continue;
      }
      String body = token.equals("-h") ? "help" : token.substring(2);
      int eq = body.indexOf('=');
      String name = eq >= 0 ? body.substring(0, eq) : body;
      Option option = token.startsWith("--") || token.equals("-h") ? options.get(name) : null;
      if (option == null) {
        throw new UsageException("unknown flag " + printable(eq >= 0 ? "--" + name : token));
      }
      if (!option.takesValue()) {
        if (eq >= 0) {
          throw new UsageException("--" + name + " takes no value");
        }
        flags.add(name);
      } else if (eq >= 0) {
        values.put(name, body.substring(eq + 1));
      } else if (i < tokens.size()) {
        values.put(name, tokens.get(i++));
      } else {
        throw new UsageException("--" + name + " needs a value " + option.valueName());
      }
    }
    return new ParsedArgs(values, flags, positionals);
  }

  /** True when {@code token} looks like an option (a lone "-" is a positional, as for stdin). */
  public static boolean isOption(String token) {
    return token.length() > 1 && token.charAt(0) == '-';
  }

  /** The token with control characters replaced, safe to echo back in an error message. */
  static String printable(String token) {
    StringBuilder b = new StringBuilder(Math.min(token.length(), 80));
    for (int k = 0; k < token.length() && k < 80; k++) {
      char c = token.charAt(k);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return token.length() > 80 ? b + "..." : b.toString();
  }
}
