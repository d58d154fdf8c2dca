package dev.trellis.admin.cli.http;

import dev.trellis.admin.cli.failure.ConfigException;
import dev.trellis.admin.cli.failure.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The admin API token, sent only as {@code Authorization: Bearer <token>}. It is never printed:
 * {@link #toString()} is redacted and no message of this CLI contains it.
 *
 * <p>Resolution order: {@code --token}, then {@code TRELLIS_TOKEN}, then the file {@code
 * admin-token} in the server state directory given by {@code --state-dir} or {@code
 * TRELLIS_STATE_DIR}. There is no default state directory.
 *
 * <p>Immutable, so safe to share between threads. Deliberately has no {@code equals}.
 */
public final class BearerToken {
  /** Environment variable holding the token. */
  public static final String ENV_TOKEN = "TRELLIS_TOKEN";

  /** Environment variable naming the server state directory. */
  public static final String ENV_STATE_DIR = "TRELLIS_STATE_DIR";

  /** Name of the token file inside the server state directory. */
  public static final String TOKEN_FILE = "admin-token";

  private static final long MAX_FILE_BYTES = 64 * 1024;

  private final String value;

  private BearerToken(String value) {
    this.value = value;
  }

  /**
   * A token from text; a clear error (without the text) when it is empty or holds characters that
   * cannot go into an HTTP header.
   *
   * @param origin where it came from, for the message (e.g. {@code --token})
   */
  public static BearerToken of(String text, String origin) throws ConfigException {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new ConfigException("the admin token from " + origin + " is empty");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new ConfigException(
            "the admin token from " + origin + " holds a character not allowed in a token");
      }
    }
    return new BearerToken(t);
  }

  /**
   * Resolves the token from the flag, the environment or the state directory, in that order.
   *
   * @param flagToken the value of {@code --token}, or null
   * @param flagStateDir the value of {@code --state-dir}, or null
   */
  public static BearerToken resolve(String flagToken, String flagStateDir, Map<String, String> env)
      throws ConfigException, UsageException {
    if (flagToken != null) {
      return of(flagToken, "--token");
    }
    String envToken = env.get(ENV_TOKEN);
    if (envToken != null && !envToken.isEmpty()) {
      return of(envToken, ENV_TOKEN);
    }
    String stateDir = flagStateDir != null ? flagStateDir : env.get(ENV_STATE_DIR);
    if (stateDir != null && !stateDir.isEmpty()) {
      return fromStateDir(Path.of(stateDir));
    }
    throw new UsageException(
        "no admin token: pass --token, set "
            + ENV_TOKEN
            + ", or point --state-dir (or "
            + ENV_STATE_DIR
            + ") at the server's state directory");
  }

  private static BearerToken fromStateDir(Path dir) throws ConfigException {
    Path file = dir.resolve(TOKEN_FILE);
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(file + " is too large to be an admin token");
      }
      return of(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("cannot read the admin token: " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the admin token from " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /** The header value, {@code Bearer <token>}; for the HTTP layer only. */
  String headerValue() {
    return "Bearer " + value;
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
