package dev.trellis.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the agent (trellis and trellisd), read from the {@code version.properties}
 * resource that the build fills in.
 *
 * <p>Immutable once loaded, so safe to share between threads.
 */
final class Version {
  private static final String VERSION = load();

  private Version() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} outside a build. */
  static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
