package dev.trellis.agent.daemon;

import dev.trellis.proto.control.v1.HostInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the device says about its host in every registration and map request: the hostname (the
 * kernel's, until {@code up --hostname} names another), the OS and its version, the agent version
 * and the CPU architecture in Go's spelling ({@code amd64}, {@code arm64}), and the routes it
 * offers ({@code --advertise-routes}, {@code --advertise-exit-node}).
 *
 * <p>Thread-safety: the hostname and routes are guarded by {@code this}.
 */
final class HostInfoSource {
  static final String VERSION = "0.1.0";

  private String hostname; // guarded by this
  private List<String> routes = List.of(); // guarded by this

  HostInfoSource() {
    this.hostname = systemHostname();
  }

  /** Names the host {@code name} from now on. */
  synchronized void hostname(String name) {
    hostname = name;
  }

  /** Offers {@code advertised} (canonical CIDRs, both /0s for an exit node) from now on. */
  synchronized void routes(List<String> advertised) {
    routes = List.copyOf(advertised);
  }

  synchronized HostInfo hostInfo() {
    return HostInfo.newBuilder()
        .setHostname(hostname)
        .setOs("linux")
        .setOsVersion(System.getProperty("os.version", ""))
        .setAgentVersion(VERSION)
        .setArch(arch())
        .addAllRoutableIps(routes)
        .build();
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "");
    return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
  }

  private static String systemHostname() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException e) {
      // fall through
    }
    return "localhost";
  }
}
