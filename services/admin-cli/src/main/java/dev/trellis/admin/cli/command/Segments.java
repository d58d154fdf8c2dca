package dev.trellis.admin.cli.command;

import dev.trellis.admin.cli.failure.UsageException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Checks and encodes an argument that goes into a URL path (an id), so {@code ../} or {@code ?}
 * typed by mistake cannot change which endpoint a command calls.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class Segments {
  private Segments() {}

  /** {@code value} URL-encoded for a path segment; a usage error when blank. */
  public static String of(String name, String value) throws UsageException {
    if (value == null || value.isBlank()) {
      throw new UsageException(name + " must not be blank");
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
