package dev.trellis.admin.cli.command;

import dev.trellis.admin.cli.args.ParsedArgs;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.BearerToken;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * Everything a command needs for one run: its parsed arguments, the global options, the output
 * streams, the clock, and a lazily created {@link AdminClient} (so usage errors come before any
 * token lookup or network access).
 *
 * <p>Not thread-safe: one invocation per run, used by the thread running the command.
 */
public final class Invocation implements AutoCloseable {
  private final ParsedArgs args;
  private final GlobalOptions global;
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;
  private final String userAgent;
  private AdminClient client;

  public Invocation(
      ParsedArgs args,
      GlobalOptions global,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      Clock clock,
      String userAgent) {
    this.args = args;
    this.global = global;
    this.env = env;
    this.out = out;
    this.err = err;
    this.clock = clock;
    this.userAgent = userAgent;
  }

  /** The command's own options and positional arguments. */
  public ParsedArgs args() {
    return args;
  }

  /** True when {@code --json} was given. */
  public boolean json() {
    return global.json();
  }

  /** Standard output: results. */
  public PrintStream out() {
    return out;
  }

  /** Standard error: warnings. */
  public PrintStream err() {
    return err;
  }

  /** The clock for relative times such as {@code --since 1h}. */
  public Clock clock() {
    return clock;
  }

  /** The API client, created on first use from the server URL and the resolved token. */
  public AdminClient client() throws AdminCliException {
    if (client == null) {
      var server = AdminClient.serverUri(global.serverOr(env));
      var token = BearerToken.resolve(global.token(), global.stateDir(), env);
      client = new AdminClient(server, token, userAgent);
    }
    return client;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
