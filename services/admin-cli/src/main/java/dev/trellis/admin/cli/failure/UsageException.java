package dev.trellis.admin.cli.failure;

/**
 * The command line was wrong: unknown command or flag, missing or malformed argument. Exits with
 * {@link #EXIT_USAGE}; the caller prints the relevant usage line after the message.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class UsageException extends AdminCliException {
  private final String usage;

  /**
   * @param message what was wrong
   * @param usage the usage line to show below the message, or null when there is none
   */
  public UsageException(String message, String usage) {
    super(message);
    this.usage = usage;
  }

  public UsageException(String message) {
    this(message, null);
  }

  /** The usage line to print after the message, or null. */
  public String usage() {
    return usage;
  }

  /** A copy of this failure that shows {@code usageLine} unless it already has a usage line. */
  public UsageException withUsage(String usageLine) {
    return usage != null ? this : new UsageException(getMessage(), usageLine);
  }

  @Override
  public int exitCode() {
    return EXIT_USAGE;
  }
}
