package dev.trellis.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that the state directory exists, is a directory and can be written (by creating and
 * deleting a probe file, which also catches read-only mounts that permission bits do not show), and
 * makes it private ({@link #makePrivate}).
 *
 * <p>Thread-safety: stateless.
 */
public final class StateDirectory {
  private StateDirectory() {}

  /**
   * Makes {@code dir} and everything in it private to the user the process runs as, and everything
   * the process creates later too ({@link PrivateFiles}): mode {@code 0700} for directories, no
   * group or other bits on files.
   */
  public static void makePrivate(Path dir) {
    PrivateFiles.restrictUmask();
    PrivateFiles.restrict(dir);
  }

  /**
   * Returns the absolute path of {@code dir} if it is a writable directory.
   *
   * @throws ConfigException naming the directory, the flag and what is wrong
   */
  public static Path check(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    String where = " (set with --state-dir or TRELLIS_STATE_DIR)";
    if (!Files.exists(abs)) {
      throw new ConfigException(
          "state directory " + abs + " does not exist" + where + "; create it first");
    }
    if (!Files.isDirectory(abs)) {
      throw new ConfigException("state directory " + abs + " is not a directory" + where);
    }
    try {
      Path probe = Files.createTempFile(abs, ".trellis-write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new ConfigException(
          "state directory " + abs + " is not writable" + where + ": " + e.getMessage(), e);
    }
    return abs;
  }
}
