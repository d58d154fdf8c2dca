package dev.trellis.admin.cli.failure;

/**
 * The local setup is wrong: a token file that cannot be read, an empty token. Exits with {@link
 * #EXIT_FAILURE}. Messages never contain the token itself.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class ConfigException extends AdminCliException {
  public ConfigException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return EXIT_FAILURE;
  }
}
