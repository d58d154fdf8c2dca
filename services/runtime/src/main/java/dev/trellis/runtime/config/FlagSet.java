package dev.trellis.runtime.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of declared {@link Flag}s and the parser for them. It accepts {@code --name value} and
 * {@code --name=value} (and a bare {@code --name} for booleans), rejects unknown flags, repeated
 * flags and positional arguments, and falls back to each flag's environment variable and then its
 * default. Flags win over the environment. Every problem becomes a {@link ConfigException} whose
 * message names the flag or variable, e.g. {@code --http-port: 'abc' is not a port number
 * (0-65535)}.
 *
 * <p>Thread-safety: immutable; {@link #parse} may be called from any thread.
 */
public final class FlagSet {
  private final String program;
  private final Map<String, Flag<?>> flags;

  private FlagSet(String program, Map<String, Flag<?>> flags) {
    this.program = program;
    this.flags = flags;
  }

  /** A set of {@code flags} for the program called {@code program} (shown in the usage text). */
  public static FlagSet of(String program, List<Flag<?>> flags) {
    Map<String, Flag<?>> byName = new LinkedHashMap<>();
    for (Flag<?> flag : flags) {
      if (byName.putIfAbsent(flag.name(), flag) != null) {
        throw new IllegalArgumentException("flag declared twice: " + flag.name());
      }
    }
    return new FlagSet(program, byName);
  }

  /** Whether {@code args} asks for help ({@code --help} or {@code -h}). */
  public static boolean helpRequested(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses {@code args} with {@code env} as the environment ({@code System.getenv()} in
   * production).
   *
   * @throws ConfigException naming the flag or variable and the problem
   */
  public FlagValues parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + arg + "' (flags start with --)");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      Flag<?> flag = flags.get(name);
      if (flag == null) {
        throw new ConfigException(name + ": unknown flag (see --help)");
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (flag.type().isSwitch() && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new ConfigException(name + ": missing value");
      }
      if (given.put(name, value) != null) {
        throw new ConfigException(name + ": given more than once");
      }
    }
    Map<String, Object> values = new HashMap<>();
    Map<String, FlagValues.Source> sources = new HashMap<>();
    for (Flag<?> flag : flags.values()) {
      String raw;
      String label;
      FlagValues.Source source;
      if (given.containsKey(flag.name())) {
        raw = given.get(flag.name());
        label = flag.name();
        source = FlagValues.Source.FLAG;
      } else if (flag.env() != null && env.get(flag.env()) != null) {
        raw = env.get(flag.env());
        label = flag.env() + " (environment)";
        source = FlagValues.Source.ENV;
      } else if (flag.defaultText() != null) {
        raw = flag.defaultText();
        label = flag.name() + " (default)";
        source = FlagValues.Source.DEFAULT;
      } else {
        throw new ConfigException(
            flag.name()
                + ": required"
                + (flag.env() == null ? "" : " (or set " + flag.env() + ")")
                + " — "
                + flag.help());
      }
      try {
        values.put(flag.name(), flag.type().parse(raw));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(label + ": " + e.getMessage());
      }
      sources.put(flag.name(), source);
    }
    return new FlagValues(values, sources);
  }

  /** The usage text: one block per flag with its variable, default and help. */
  public String usage() {
    StringBuilder out = new StringBuilder("Usage: ").append(program).append(" [flags]\n\nFlags:\n");
    List<Flag<?>> list = new ArrayList<>(flags.values());
    for (Flag<?> flag : list) {
      out.append("  ").append(flag.name());
      if (!flag.type().isSwitch()) {
        out.append(" <value>");
      }
      out.append("\n      ").append(flag.help());
      List<String> notes = new ArrayList<>();
      if (flag.env() != null) {
        notes.add("env " + flag.env());
      }
      if (flag.required()) {
        notes.add("required");
      } else if (!flag.defaultText().isEmpty()) {
        notes.add("default " + flag.defaultText());
      }
      if (!notes.isEmpty()) {
        out.append(" [").append(String.join("; ", notes)).append(']');
      }
      out.append('\n');
    }
    out.append("  --help\n      Print this text and exit.\n");
    return out.toString();
  }
}
