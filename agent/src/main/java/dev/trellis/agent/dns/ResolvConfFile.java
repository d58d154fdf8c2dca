package dev.trellis.agent.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Manages {@code /etc/resolv.conf} directly, for systems without systemd-resolved: the first {@link
 * #apply} backs the file up into the daemon's state directory (its bytes and permissions, or the
 * symlink it was, or that there was none), then the file names only the resolver, which forwards
 * every other name to the resolvers of the backup. {@link #restore} puts the backup back byte for
 * byte, on {@code trellis down}, {@code logout}, when the daemon stops, and when it starts after a
 * crash (a backup left behind means the last run did not restore).
 *
 * <p>Someone else's file wins: if the file no longer starts with {@link ResolvConfText#MARKER} when
 * restoring (a DHCP client or an admin replaced it), it is left as it is and the backup is dropped.
 *
 * <p>Writes replace the file by renaming a complete temporary file over it, so readers never see
 * half a file. Where that cannot work, the file is written in place: under {@code ip netns exec
 * NS}, {@code /etc/resolv.conf} is a bind mount of {@code /etc/netns/NS/resolv.conf} (that is how
 * each namespace's daemon manages its own resolver configuration), and a rename over a mount point
 * fails with EBUSY; container runtimes bind-mount it too.
 *
 * <p>Thread-safety: not thread-safe; {@link MagicDns} calls it under its lock.
 */
public final class ResolvConfFile implements OsConfigurator {
  private static final Set<PosixFilePermission> DEFAULT_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Path file;
  private final Path backupDir;
  private final Path backup;
  private final Path symlinkBackup;
  private final Path absentBackup;

  /**
   * @param file the resolv.conf to manage (normally {@code /etc/resolv.conf})
   * @param stateDir the daemon's state directory, where the backup is kept
   */
  public ResolvConfFile(Path file, Path stateDir) {
    this.file = file;
    this.backupDir = stateDir.resolve("resolv.conf.pre-trellis");
    this.backup = backupDir.resolve("resolv.conf");
    this.symlinkBackup = backupDir.resolve("symlink");
    this.absentBackup = backupDir.resolve("absent");
  }

  @Override
  public String mode() {
    return "resolv.conf";
  }

  /** Whether a backup exists (the file is managed now, or a crash left it so). */
  public boolean backedUp() {
    return Files.isDirectory(backupDir);
  }

  @Override
  public void apply(OsDnsConfig config) throws IOException {
    if (!backedUp()) {
      takeBackup();
    }
    byte[] want = ResolvConfText.render(config).getBytes(StandardCharsets.UTF_8);
    if (!Files.isSymbolicLink(file) && Files.isRegularFile(file)) {
      if (java.util.Arrays.equals(Files.readAllBytes(file), want)) {
        return;
      }
    }
    write(want, DEFAULT_MODE);
  }

  @Override
  public void restore() throws IOException {
    if (!backedUp()) {
      return;
    }
    boolean present = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    boolean ours =
        present
            && !Files.isSymbolicLink(file)
            && ResolvConfText.ours(ResolvConfText.readQuietly(file));
    if (!present || ours) {
      if (Files.exists(symlinkBackup)) {
        Path target = Path.of(Files.readString(symlinkBackup, StandardCharsets.UTF_8));
        Files.deleteIfExists(file);
        Files.createSymbolicLink(file, target);
      } else if (Files.exists(absentBackup)) {
        Files.deleteIfExists(file);
      } else {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(backup);
        write(Files.readAllBytes(backup), mode);
      }
    }
    deleteBackup();
  }

  @Override
  public List<Upstream> originalResolvers() {
    if (backedUp()) {
      return ResolvConfText.nameservers(ResolvConfText.readQuietly(backup));
    }
    return ResolvConfText.nameservers(ResolvConfText.readQuietly(file));
  }

  private void takeBackup() throws IOException {
    Path tmp = backupDir.resolveSibling(backupDir.getFileName() + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    if (Files.isSymbolicLink(file)) {
      Files.writeString(
          tmp.resolve("symlink"), Files.readSymbolicLink(file).toString(), StandardCharsets.UTF_8);
      // the target's content, for the original resolvers; it may be gone
      byte[] target = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
      Files.write(tmp.resolve("resolv.conf"), target);
    } else if (!Files.exists(file)) {
      Files.createFile(tmp.resolve("absent"));
      Files.write(tmp.resolve("resolv.conf"), new byte[0]);
    } else {
      Path copy = tmp.resolve("resolv.conf");
      Files.write(copy, Files.readAllBytes(file));
      Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(file));
    }
    force(tmp.resolve("resolv.conf"));
    Files.move(tmp, backupDir, StandardCopyOption.ATOMIC_MOVE);
  }

  private void deleteBackup() throws IOException {
    deleteTree(backupDir);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** Replaces the file with {@code bytes}: by rename where possible, else in place. */
  private void write(byte[] bytes, Set<PosixFilePermission> mode) throws IOException {
    if (NetworkNamespace.isMountPoint(file)) {
      writeInPlace(bytes);
      return;
    }
    Path tmp =
        file.resolveSibling(
            "." + file.getFileName() + ".trellis-" + ThreadLocalRandom.current().nextInt(1 << 30));
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(tmp, mode);
      force(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    } catch (FileSystemException e) {
      // EBUSY (a bind mount), EXDEV, or a read-only directory: write in place below
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (Files.isSymbolicLink(file)) {
      Files.delete(file); // never write through a link into another service's file
    }
    writeInPlace(bytes);
  }

  private void writeInPlace(byte[] bytes) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private static void force(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
