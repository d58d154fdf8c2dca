package dev.trellis.identity.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The first administrator's API token in {@code <state-dir>/admin-token}, for local tooling. The
 * file is created with mode 0600 from its first byte (never world-readable, not even briefly) and
 * replaced atomically.
 *
 * <p>Thread-safety: stateless.
 */
public final class AdminTokenFile {
  /** The file name inside the state directory. */
  public static final String NAME = "admin-token";

  private AdminTokenFile() {}

  /** Writes {@code token} to {@code <stateDir>/admin-token} with mode 0600. */
  public static Path write(Path stateDir, String token) throws IOException {
    Path target = stateDir.resolve(NAME);
    Path tmp = stateDir.resolve(NAME + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }
}
