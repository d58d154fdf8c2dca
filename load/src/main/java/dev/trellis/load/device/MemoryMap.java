package dev.trellis.load.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a process's resident memory is, from {@code /proc/PID/status} (anonymous, file-backed,
 * shared) and {@code /proc/PID/smaps} (summed by what is mapped: a file, {@code [heap]} for the C
 * heap, {@code [anon]} for anonymous mappings such as the Java heap, thread stacks and malloc
 * arenas).
 *
 * <p>Thread-safety: stateless.
 */
final class MemoryMap {
  /** The first line of each mapping in smaps: {@code start-end perms offset dev inode [path]}. */
  private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

  private MemoryMap() {}

  /** A few lines: the RSS split and the {@code top} mappings by resident size. */
  static String summary(long pid, int top) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS") || line.startsWith("Rss") || line.startsWith("VmHWM")) {
        b.append(line.replaceAll("\\s+", " ")).append("; ");
      }
    }
    b.append('\n');
    Map<String, Long> byName = new HashMap<>();
    String name = "[anon]";
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      if (MAPPING.matcher(line).lookingAt()) {
        String[] f = line.trim().split("\\s+", 6);
        name = f.length == 6 ? f[5] : "[anon]";
      } else if (line.startsWith("Rss:")) {
        byName.merge(name, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
      }
    }
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e -> b.append(String.format(Locale.ROOT, "  %8d KiB  %s%n", e.getValue(), e.getKey())));
    return b.toString();
  }
}
