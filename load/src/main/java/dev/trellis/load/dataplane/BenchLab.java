package dev.trellis.load.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, for one benchmark scenario: runs commands and
 * background processes inside them and, on {@link #close()}, kills the processes it started by PID
 * and deletes the namespaces.
 *
 * <p>Thread-safety: used from the benchmark's main thread only.
 */
final class BenchLab implements AutoCloseable {
  final String tag =
      Long.toString(ProcessHandle.current().pid() % 10000, 36)
          + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 16), 36);
  final String nsA = "bda" + tag;
  final String nsB = "bdb" + tag;
  final int net = 20 + ThreadLocalRandom.current().nextInt(200);
  final String underlayA = "192.168." + net + ".1";
  final String underlayB = "192.168." + net + ".2";
  final Path dir;
  private final List<Process> processes = new ArrayList<>();

  BenchLab() throws IOException {
    dir = Files.createTempDirectory("bench-dataplane");
    try {
      sh("ip", "netns", "add", nsA);
      sh("ip", "netns", "add", nsB);
      sh(
          "ip",
          "link",
          "add",
          "va" + tag,
          "netns",
          nsA,
          "type",
          "veth",
          "peer",
          "name",
          "vb" + tag,
          "netns",
          nsB);
      sh("ip", "-n", nsA, "addr", "add", underlayA + "/24", "dev", "va" + tag);
      sh("ip", "-n", nsB, "addr", "add", underlayB + "/24", "dev", "vb" + tag);
      for (String ns : List.of(nsA, nsB)) {
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "set", ns.equals(nsA) ? "va" + tag : "vb" + tag, "up");
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  Process start(List<String> cmd, String logName) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(logName + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  String exec(String ns, String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    return sh(all.toArray(String[]::new));
  }

  static String sh(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** User+system CPU seconds of a process so far, from /proc/PID/stat. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after "(comm) ": state=0 ... utime=11, stime=12 (stat fields 14 and 15)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String ns : List.of(nsA, nsB)) {
      try {
        sh("ip", "netns", "del", ns);
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
