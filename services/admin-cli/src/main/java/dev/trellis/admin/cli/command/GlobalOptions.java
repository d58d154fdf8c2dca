package dev.trellis.admin.cli.command;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.args.ParsedArgs;
import java.util.List;
import java.util.Map;

/**
 * The options every command accepts, anywhere on the command line: {@code --server}, {@code
 * --token}, {@code --state-dir}, {@code --json}, {@code --help}, {@code --version}.
 *
 * <p>Immutable, so safe to share between threads.
 *
 * @param server the server URL as given, or null for the environment or the default
 * @param token the token as given, or null
 * @param stateDir the state directory as given, or null
 * @param json print raw JSON instead of tables
 * @param help print help and exit
 * @param version print the version and exit
 */
public record GlobalOptions(
    String server, String token, String stateDir, boolean json, boolean help, boolean version) {
  /** Environment variable holding the server URL. */
  public static final String ENV_SERVER = "TRELLIS_SERVER";

  /** The server URL when neither {@code --server} nor {@code TRELLIS_SERVER} is given. */
  public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  /** The global options, for parsing and help. */
  public static final List<Option> OPTIONS =
      List.of(
          Option.valued(
              "server", "URL", "admin API URL (env TRELLIS_SERVER; " + DEFAULT_SERVER + ")"),
          Option.valued(
              "token", "T", "admin token (env TRELLIS_TOKEN); sent only as a bearer header"),
          Option.valued(
              "state-dir", "DIR", "read the token from DIR/admin-token (env TRELLIS_STATE_DIR)"),
          Option.flag("json", "print the server's JSON instead of tables"),
          Option.flag("help", "show help (also -h)"),
          Option.flag("version", "show the version"));

  /** No global options given. */
  public static final GlobalOptions NONE = new GlobalOptions(null, null, null, false, false, false);

  /** These options overridden by any given in {@code args} (later on the command line wins). */
  public GlobalOptions with(ParsedArgs args) {
    return new GlobalOptions(
        args.value("server").orElse(server),
        args.value("token").orElse(token),
        args.value("state-dir").orElse(stateDir),
        json || args.has("json"),
        help || args.has("help"),
        version || args.has("version"));
  }

  /** The server URL: the flag, else {@code TRELLIS_SERVER}, else the default. */
  public String serverOr(Map<String, String> env) {
    if (server != null) {
      return server;
    }
    String fromEnv = env.get(ENV_SERVER);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT_SERVER;
  }

  @Override
  public String toString() {
    return "GlobalOptions[server="
        + server
        + ", token="
        + (token == null ? "none" : "redacted")
        + ", stateDir="
        + stateDir
        + ", json="
        + json
        + "]";
  }
}
