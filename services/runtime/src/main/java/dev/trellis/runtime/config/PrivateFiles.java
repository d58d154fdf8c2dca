package dev.trellis.runtime.config;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server's state private to the user it runs as: the process's file-creation mask becomes
 * {@code 077} (libc {@code umask} through the Foreign Function API), so every file and directory
 * the process creates from then on, the embedded Kafka broker's log segments included, is {@code
 * 0600}/{@code 0700}; and what the state directory already holds (from an older version, or created
 * by hand) loses every group and other permission. On systems without POSIX permissions or {@code
 * umask} it does what it can and says so in the log.
 *
 * <p>Thread-safety: call once at startup, before the process creates state files.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /**
   * Restricts the process's file-creation mask to {@code 077}; returns the mask it had, or -1 when
   * it could not be set.
   */
  public static int restrictUmask() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle umask =
          linker
              .defaultLookup()
              .find("umask")
              .map(
                  a ->
                      linker.downcallHandle(
                          a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
              .orElse(null);
      if (umask == null) {
        return -1;
      }
      int old = (int) umask.invokeExact(0077);
      // umask(2) cannot fail; keep whatever the old mask took away as well.
      int unused = (int) umask.invokeExact(old | 0077);
      return old;
    } catch (Throwable e) {
      LOG.warn(
          "Cannot restrict the file-creation mask ({}); new state files may be readable",
          e.toString());
      return -1;
    }
  }

  /**
   * Takes every group and other permission from {@code dir} and everything under it (directories
   * become {@code 0700}, files keep their owner bits only).
   */
  public static void restrict(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                throws IOException {
              Files.setPosixFilePermissions(d, DIRECTORY);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              if (attrs.isRegularFile()) {
                Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
                p.removeIf(x -> !x.name().startsWith("OWNER_"));
                Files.setPosixFilePermissions(f, p);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              LOG.warn("Cannot make {} private: {}", f, e.toString());
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (UnsupportedOperationException | IOException e) {
      LOG.warn("Cannot make the state directory {} private: {}", dir, e.toString());
    }
  }
}
