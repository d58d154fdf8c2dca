package dev.trellis.agent.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where this process runs: the name of its network namespace when it is one made by {@code ip netns
 * add} (its inode matches an entry of {@code /run/netns}), and whether a file is a mount point (as
 * {@code /etc/resolv.conf} is under {@code ip netns exec NS} when {@code /etc/netns/NS/resolv.conf}
 * exists, and in containers).
 *
 * <p>Thread-safety: stateless.
 */
final class NetworkNamespace {
  private static final Path NAMED = Path.of("/run/netns");

  private NetworkNamespace() {}

  /** The {@code ip netns} name of this process's network namespace, or null. */
  static String named() {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
      int open = link.indexOf('[');
      int close = link.indexOf(']');
      if (open < 0 || close < open) {
        return null;
      }
      long inode = Long.parseLong(link.substring(open + 1, close));
      if (!Files.isDirectory(NAMED)) {
        return null;
      }
      try (var entries = Files.list(NAMED)) {
        for (Path p : entries.toList()) {
          try {
            Object ino = Files.getAttribute(p, "unix:ino");
            if (ino instanceof Long l && l == inode) {
              return p.getFileName().toString();
            }
          } catch (IOException | RuntimeException e) {
            // an entry being removed: skip it
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** Whether {@code file} is a mount point in this process's mount namespace. */
  static boolean isMountPoint(Path file) {
    try {
      String want = file.toAbsolutePath().normalize().toString();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].replace("\\040", " ").equals(want)) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }
}
