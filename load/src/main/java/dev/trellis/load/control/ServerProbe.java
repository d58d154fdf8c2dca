package dev.trellis.load.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads a local server process's resources by PID: resident set size (/proc/PID/status), heap used
 * after a full GC ({@code jcmd PID GC.run} then {@code GC.heap_info}) and CPU time (utime + stime
 * from /proc/PID/stat). Every reading is -1 when the PID is unknown (a remote server) or
 * unreadable.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
final class ServerProbe {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** Clock ticks per second of /proc/PID/stat (USER_HZ; 100 on Linux x86-64). */
  private static final long TICKS_PER_SECOND = 100;

  private ServerProbe() {}

  /** VmRSS in KiB, or -1. */
  static long rssKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // gone or not ours
    }
    return -1;
  }

  /** Heap used after a full GC in KiB, or -1. */
  static long heapAfterGcKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      String p = Long.toString(pid);
      new ProcessBuilder(jcmd, p, "GC.run")
          .redirectErrorStream(true)
          .start()
          .waitFor(60, TimeUnit.SECONDS);
      Process info = new ProcessBuilder(jcmd, p, "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(info.getInputStream().readAllBytes());
      info.waitFor(30, TimeUnit.SECONDS);
      var m = USED.matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** CPU time (user + system) used so far in ms, or -1. */
  static long cpuMs(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14), stime (15)
      return ticks * 1000 / TICKS_PER_SECOND;
    } catch (Exception e) {
      return -1;
    }
  }
}
