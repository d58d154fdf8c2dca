package dev.trellis.proto.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build of Trellis (every module shares it), read from the {@code
 * version.properties} resource the build fills in: what {@code trellis version}, {@code trellisd
 * --version} and {@code trellis-admin version} print and what clients name in their User-Agent.
 *
 * <p>Immutable once loaded, so safe to share between threads.
 */
public final class BuildVersion {
  private static final String VERSION = load();

  private BuildVersion() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} outside a build. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
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
