package dev.trellis.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network lab: the network namespaces, root-namespace links and processes one test or benchmark
 * creates, and a working directory for their files and logs. Every name it makes ends in the lab's
 * random {@link #tag()}, so labs of concurrent builds never meet; {@link #close()} stops the
 * processes it started by PID and deletes exactly the namespaces and links it created, by the names
 * it recorded when creating them (never by pattern), then its directory unless kept.
 *
 * <p>The primitives take a namespace name, or {@code null} for the root namespace. Topologies are
 * built on them: {@link VethPair} (two namespaces on one wire), {@link BridgedLan} (a LAN with the
 * root namespace on it).
 *
 * <p>Needs root and iproute2 ({@link Prerequisites} says what is missing).
 *
 * <p>Thread-safety: not thread-safe; use a lab from one thread (the test's or the benchmark's).
 */
public final class NetLab implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

  /** How long processes get to exit after SIGTERM before SIGKILL. */
  static final int STOP_GRACE_SECONDS = 10;

  private final String tag = randomTag(6);
  private final Path dir;
  private final boolean keepDir;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> rootLinks = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private NetLab(Path dir, boolean keepDir) {
    this.dir = dir;
    this.keepDir = keepDir;
  }

  /** A lab whose directory (a new temporary one named {@code prefix...}) is kept after close. */
  public static NetLab create(String prefix) throws IOException {
    return create(prefix, true);
  }

  /** A lab whose directory is deleted on close unless {@code keepDir}. */
  public static NetLab create(String prefix, boolean keepDir) throws IOException {
    return new NetLab(Files.createTempDirectory(prefix), keepDir);
  }

  /** The random suffix of every name this lab makes (six characters of [0-9a-z]). */
  public String tag() {
    return tag;
  }

  /** The lab's working directory. */
  public Path dir() {
    return dir;
  }

  /**
   * {@code base} with the lab's tag: a name for something the caller creates in a shared place (a
   * root-namespace link, a Hazelcast cluster). Interface names must stay within 15 characters.
   */
  public String name(String base) {
    return base + tag;
  }

  /** Creates network namespace {@code base + tag} with {@code lo} up; returns its name. */
  public String namespace(String base) throws IOException {
    String ns = name(base);
    if (namespaces.contains(ns)) {
      throw new IllegalArgumentException("this lab already has namespace " + ns);
    }
    Command.check("ip", "netns", "add", ns);
    namespaces.add(ns);
    Command.check("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /**
   * A veth pair: {@code ifA} in {@code nsA} and {@code ifB} in {@code nsB} (null: the root
   * namespace, where the name must be unique: use {@link #name}). Both ends are down.
   */
  public void veth(String nsA, String ifA, String nsB, String ifB) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "link", "add", ifA));
    if (nsA != null) {
      cmd.addAll(List.of("netns", nsA));
    }
    cmd.addAll(List.of("type", "veth", "peer", "name", ifB));
    if (nsB != null) {
      cmd.addAll(List.of("netns", nsB));
    }
    Command.check(cmd.toArray(String[]::new));
    if (nsA == null) {
      rootLinks.add(ifA);
    } else if (nsB == null) {
      rootLinks.add(ifB);
    }
  }

  /** A bridge {@code name} in {@code ns}, up. */
  public void bridge(String ns, String name) throws IOException {
    ip(ns, "link", "add", name, "type", "bridge");
    up(ns, name);
  }

  /** Plugs {@code link} into {@code bridge} (both in {@code ns}) and brings it up. */
  public void attach(String ns, String link, String bridge) throws IOException {
    ip(ns, "link", "set", link, "master", bridge);
    up(ns, link);
  }

  /** Adds address {@code cidr} (e.g. {@code 10.1.2.3/24}) to {@code link} in {@code ns}. */
  public void address(String ns, String link, String cidr) throws IOException {
    ip(ns, "addr", "add", cidr, "dev", link);
  }

  /** Brings {@code link} in {@code ns} up. */
  public void up(String ns, String link) throws IOException {
    ip(ns, "link", "set", link, "up");
  }

  /** Runs {@code ip ARGS} in {@code ns} (null: the root namespace); fails on a non-zero exit. */
  public String ip(String ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    if (ns != null) {
      cmd.addAll(List.of("-n", ns));
    }
    cmd.addAll(List.of(args));
    return Command.check(cmd.toArray(String[]::new));
  }

  /** {@code cmd} prefixed to run in {@code ns} ({@code ip netns exec ns ...}). */
  public static List<String> in(String ns, List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(cmd);
    return all;
  }

  /** Runs {@code cmd} in {@code ns} and returns its output; fails on a non-zero exit. */
  public String exec(String ns, String... cmd) throws IOException {
    return Command.check(in(ns, List.of(cmd)).toArray(String[]::new));
  }

  /** Runs {@code cmd} in {@code ns} with {@code env}; returns exit code and output. */
  public Command.Result run(String ns, List<String> cmd, Duration timeout, Map<String, String> env)
      throws IOException {
    return Command.run(in(ns, cmd), timeout, env);
  }

  /** Whether {@code cmd} in {@code ns} exits with 0. */
  public boolean succeeds(String ns, String... cmd) {
    try {
      exec(ns, cmd);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts a background process (stopped on close by PID); output goes to {@code log}. */
  public Process start(List<String> cmd, Path log) throws IOException {
    return start(cmd, log, Map.of());
  }

  /** {@link #start(List, Path)} with {@code env} added to this process's environment. */
  public Process start(List<String> cmd, Path log, Map<String, String> env) throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.redirectOutput(log.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    processes.add(p);
    return p;
  }

  /** The processes started so far, in order. */
  public List<Process> processes() {
    return List.copyOf(processes);
  }

  /**
   * Waits until {@code file} exists (a control socket, a UAPI socket): fails naming {@code what},
   * with the log {@code logName}, if {@code process} exits first or {@code timeout} passes.
   */
  public void awaitFile(Path file, Process process, Duration timeout, String what, String logName)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(what + " did not come up: " + log(logName));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for " + file, e);
      }
    }
  }

  /** The text of {@code dir/NAME.log}, or {@code (no log)}. */
  public String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /**
   * Stops the processes (SIGTERM by PID; SIGKILL after {@value #STOP_GRACE_SECONDS} s), deletes the
   * namespaces and root-namespace links this lab created, then the directory unless kept.
   */
  @Override
  public void close() {
    Processes.stop(processes.reversed(), STOP_GRACE_SECONDS);
    for (String ns : namespaces.reversed()) {
      Command.quietly("ip", "netns", "del", ns);
    }
    for (String link : rootLinks) {
      Command.quietly("ip", "link", "del", link);
    }
    if (!keepDir) {
      Command.quietly("rm", "-rf", "--one-file-system", dir.toString());
    }
  }

  private static String randomTag(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
