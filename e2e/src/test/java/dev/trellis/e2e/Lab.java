package dev.trellis.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.netlab.BridgedLan;
import dev.trellis.netlab.Command;
import dev.trellis.netlab.NetLab;
import dev.trellis.netlab.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end tests' lab: a {@link BridgedLan} of the network lab (the root namespace, where the
 * servers run, at {@link #hostIp} on a bridge, and device namespaces plugged into it), plus the
 * processes started in them through the repository's {@code bin/} launchers, which get this JVM's
 * {@code JAVA_HOME}. The {@link NetLab} underneath names everything with a random tag and, on
 * {@link #close()}, stops the processes it started by PID and deletes what it created (the working
 * directory with the logs too, unless {@code -Dtrellis.e2e.keep=true}).
 *
 * <p>Thread-safety: used from the test thread only.
 */
public final class Lab implements AutoCloseable {
  /** The repository root (surefire runs in the module directory). */
  public static final Path REPO =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

  /** What the launchers need from this JVM's environment. */
  private static final Map<String, String> ENV =
      Map.of("JAVA_HOME", System.getProperty("java.home"));

  public final NetLab net;
  public final String tag;
  public final String hostIp;
  public final Path dir;
  private final BridgedLan lan;
  private final List<String> devices = new ArrayList<>();
  private final List<Path> netnsEtc = new ArrayList<>();
  private int namespaces;

  /** Skips the calling test unless it runs as root with a TUN device. */
  public static void requireRoot() {
    assumeTrue(Prerequisites.root(), "end-to-end tests need root (network namespaces, TUN)");
    assumeTrue(Prerequisites.tun(), "end-to-end tests need /dev/net/tun");
  }

  public Lab() throws IOException {
    net = NetLab.create("trellis-e2e", Boolean.getBoolean("trellis.e2e.keep"));
    try {
      lan = BridgedLan.create(net);
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
    tag = net.tag();
    hostIp = lan.hostIp();
    dir = net.dir();
  }

  /** A device namespace on the bridge; returns its name. */
  public String device() throws IOException {
    String ns = lan.device();
    devices.add(ns);
    return ns;
  }

  /**
   * Gives {@code ns} its own resolver configuration, {@code /etc/netns/NS/resolv.conf}, which
   * {@code ip netns exec NS} bind-mounts over /etc/resolv.conf for everything started in it (the
   * daemon included, which then manages that namespace's file, not the host's). Removed on close.
   */
  public Path resolvConf(String ns, String content) throws IOException {
    if (!devices.contains(ns)) {
      throw new IllegalArgumentException("not a device namespace of this lab: " + ns);
    }
    Path etc = Path.of("/etc/netns", ns);
    Files.createDirectories(etc);
    netnsEtc.add(etc);
    Path file = etc.resolve("resolv.conf");
    Files.writeString(file, content);
    return file;
  }

  /** The bridge address of a namespace made by {@link #device()}. */
  public String ipOf(String deviceNs) {
    return lan.ipOf(deviceNs);
  }

  /**
   * A new empty namespace (only {@code lo} up) named {@code base + n + tag}, deleted on close like
   * the others; for topologies the caller wires itself (e.g. a LAN behind a NAT router).
   */
  public String namespace(String base) throws IOException {
    return net.namespace(base + (++namespaces));
  }

  /** Starts a background process (tracked, stopped on close); output goes to {@code log}. */
  public Process start(List<String> cmd, Path log) throws IOException {
    return net.start(cmd, log, ENV);
  }

  /** Runs {@code cmd} in {@code ns} and returns exit code and output (never throws on exit). */
  public Command.Result run(String ns, List<String> cmd, int timeoutSeconds) throws IOException {
    return net.run(ns, cmd, Duration.ofSeconds(timeoutSeconds), ENV);
  }

  /** A bin/ launcher's path. */
  public static String bin(String name) {
    return REPO.resolve("bin").resolve(name).toString();
  }

  /** Runs {@code cmd} (e.g. a launcher) in the root namespace; never throws on exit. */
  public static Command.Result exec(List<String> cmd, int timeoutSeconds) throws IOException {
    return Command.run(cmd, Duration.ofSeconds(timeoutSeconds), ENV);
  }

  @Override
  public void close() {
    net.close();
    for (Path etc : netnsEtc) {
      try {
        Files.deleteIfExists(etc.resolve("resolv.conf"));
        Files.deleteIfExists(etc);
      } catch (IOException e) {
        System.err.println("lab: could not remove " + etc + ": " + e);
      }
    }
  }
}
