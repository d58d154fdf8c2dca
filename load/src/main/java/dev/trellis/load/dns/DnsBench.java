package dev.trellis.load.dns;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DNS benchmark of one agent: the shipped server and one {@code trellisd} (started through the
 * repository's bin/ launchers), the device in its own network namespace with its own resolv.conf,
 * the server and a dnsmasq (the device's original resolver) in a second namespace across a veth
 * pair. Once the device runs, {@link DnsLoadClient} runs inside the device's namespace against
 * 100.100.100.100 twice: for the device's own MagicDNS name (answered by the agent) and for names
 * the agent forwards to dnsmasq (a new random name under example.test each time, so none is
 * coalesced with another). Prints p50/p99 latency (one query at a time) and queries per second
 * (several clients, closed loop) for each. Stops what it started by PID and deletes the namespaces
 * and their /etc/netns entries.
 *
 * <p>Usage: {@code DnsBench --repo DIR [--clients 16] [--seconds 10] [--latency-queries 5000]};
 * needs root, dnsmasq and the built jars.
 *
 * <p>Thread-safety: a single-threaded program.
 */
public final class DnsBench {
  private static final Pattern RESULT =
      Pattern.compile("RESULT name=(\\S+) p50_ms=(\\S+) p99_ms=(\\S+) qps=(\\d+) errors=(\\d+)");

  private final Path repo;
  private final Path dir;
  private final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
  private final String dev = "bdd" + tag;
  private final String lan = "bdl" + tag;
  private final int net = 20 + ThreadLocalRandom.current().nextInt(200);
  private final String devIp = "192.168." + net + ".1";
  private final String lanIp = "192.168." + net + ".2";
  private final List<Process> processes = new ArrayList<>();

  private DnsBench(Path repo) throws IOException {
    this.repo = repo;
    this.dir = Files.createTempDirectory("bench-dns");
  }

  public static void main(String[] args) throws Exception {
    Path repo = null;
    List<String> load = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> repo = Path.of(args[++i]);
        case "--clients", "--seconds", "--latency-queries" -> {
          load.add(args[i]);
          load.add(args[++i]);
        }
        default -> {
          System.err.println("unknown flag " + args[i]);
          System.exit(2);
        }
      }
    }
    if (repo == null) {
      System.err.println("usage: DnsBench --repo DIR [--clients N] [--seconds S]");
      System.exit(2);
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      System.err.println("bench-dns needs root (network namespaces, TUN devices)");
      System.exit(1);
    }
    DnsBench b = new DnsBench(repo);
    try {
      b.run(load);
    } finally {
      b.close();
    }
  }

  private void run(List<String> load) throws Exception {
    sh("ip", "netns", "add", dev);
    sh("ip", "netns", "add", lan);
    sh(
        "ip",
        "link",
        "add",
        "bva" + tag,
        "netns",
        dev,
        "type",
        "veth",
        "peer",
        "name",
        "bvb" + tag,
        "netns",
        lan);
    sh("ip", "-n", dev, "addr", "add", devIp + "/24", "dev", "bva" + tag);
    sh("ip", "-n", lan, "addr", "add", lanIp + "/24", "dev", "bvb" + tag);
    for (String ns : List.of(dev, lan)) {
      sh("ip", "-n", ns, "link", "set", "lo", "up");
    }
    sh("ip", "-n", dev, "link", "set", "bva" + tag, "up");
    sh("ip", "-n", lan, "link", "set", "bvb" + tag, "up");
    Path etc = Path.of("/etc/netns", dev);
    Files.createDirectories(etc);
    Files.writeString(etc.resolve("resolv.conf"), "nameserver " + lanIp + "\n");

    start(
        List.of(
            "ip",
            "netns",
            "exec",
            lan,
            "dnsmasq",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            "--listen-address=" + lanIp,
            "--port=53",
            "--user=root",
            "--pid-file=",
            "--address=/example.test/192.0.2.10"),
        "dnsmasq");
    int http = freePort();
    Path serverState = Files.createDirectories(dir.resolve("server"));
    System.err.println("bench-dns: starting the server (state in " + serverState + ") ...");
    start(
        List.of(
            "ip",
            "netns",
            "exec",
            lan,
            repo.resolve("bin/trellis-server").toString(),
            "--state-dir",
            serverState.toString(),
            "--http-host",
            "0.0.0.0",
            "--http-port",
            Integer.toString(http),
            "--hazelcast-cluster",
            "bench-dns-" + tag),
        "server");
    String local = "http://127.0.0.1:" + http;
    awaitOk(List.of("ip", "netns", "exec", lan, "curl", "-sf", local + "/readyz"), 180);
    String token = Files.readString(serverState.resolve("admin-token")).strip();
    String keyJson =
        sh(
            "ip",
            "netns",
            "exec",
            lan,
            "curl",
            "-sf",
            "-H",
            "Authorization: Bearer " + token,
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"tailnet\":\"default\",\"reusable\":true,\"preapproved\":true}",
            local + "/api/v1/authkeys");
    Matcher k = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"").matcher(keyJson);
    if (!k.find()) {
      throw new IOException("no auth key in " + keyJson);
    }
    Path sock = dir.resolve("bench.sock");
    start(
        List.of(
            "ip",
            "netns",
            "exec",
            dev,
            repo.resolve("bin/trellisd").toString(),
            "--state-dir",
            dir.resolve("agent").toString(),
            "--socket",
            sock.toString(),
            "--tun",
            "tl0"),
        "trellisd");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(sock)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("trellisd did not come up; see " + dir);
      }
      Thread.sleep(50);
    }
    sh(
        "ip",
        "netns",
        "exec",
        dev,
        repo.resolve("bin/trellis").toString(),
        "--socket",
        sock.toString(),
        "up",
        "--login-server",
        "http://" + lanIp + ":" + http,
        "--auth-key",
        k.group(1),
        "--hostname",
        "bench");
    String own = "bench.default.trellis.internal";
    awaitOk(List.of("ip", "netns", "exec", dev, "getent", "hosts", own), 30);

    System.err.println("bench-dns: load against 100.100.100.100 ...");
    String tailnet = load(own, false, load);
    String forwarded = load("example.test", true, load);
    System.out.println(
        "DNS through one agent (resolver at 100.100.100.100, UDP; one-at-a-time latency, closed-loop"
            + " throughput)");
    System.out.printf(
        Locale.ROOT,
        "%-34s %9s %9s %11s %7s%n",
        "query",
        "p50 ms",
        "p99 ms",
        "queries/s",
        "errors");
    print("tailnet name " + own, tailnet);
    print("forwarded names *.example.test", forwarded);
  }

  private String load(String name, boolean unique, List<String> flags) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                dev,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                DnsLoadClient.class.getName(),
                "--server",
                "100.100.100.100",
                "--name",
                name));
    cmd.addAll(flags);
    return sh(cmd.toArray(String[]::new));
  }

  private static void print(String what, String out) {
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      System.out.println(what + ": no result: " + out);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%-34s %9s %9s %11s %7s%n",
        what.length() > 34 ? what.substring(0, 34) : what,
        m.group(2),
        m.group(3),
        m.group(4),
        m.group(5));
    System.out.printf(
        Locale.ROOT,
        "FIGURE dns %s p50_ms=%s p99_ms=%s qps=%s%n",
        m.group(1),
        m.group(2),
        m.group(3),
        m.group(4));
  }

  private void start(List<String> cmd, String name) throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.redirectOutput(dir.resolve(name + ".log").toFile());
    processes.add(b.start());
  }

  private static void awaitOk(List<String> cmd, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("timed out waiting for: " + String.join(" ", cmd));
      }
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private void close() {
    for (Process p : processes.reversed()) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    quietly("ip", "netns", "del", dev);
    quietly("ip", "netns", "del", lan);
    try {
      Files.deleteIfExists(Path.of("/etc/netns", dev, "resolv.conf"));
      Files.deleteIfExists(Path.of("/etc/netns", dev));
    } catch (IOException e) {
      System.err.println("bench-dns: could not remove /etc/netns/" + dev + ": " + e.getMessage());
    }
    quietly("rm", "-rf", "--one-file-system", dir.toString());
  }

  private static void quietly(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // best effort in teardown
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
