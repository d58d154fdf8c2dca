package dev.trellis.load.dataplane;

import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.netlab.NetLab;
import dev.trellis.netlab.Prerequisites;
import dev.trellis.netlab.VethPair;
import dev.trellis.netlab.WireguardGo;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Data-plane throughput benchmark. For each mode it builds a fresh pair of network namespaces over
 * a veth pair, runs a WireGuard tunnel between them (two wireguard-go processes, or two Trellis
 * agents with the mode's flags), pushes iperf3 TCP through it for N seconds and prints Gbit/s, CPU
 * seconds per GB moved (both tunnel processes, from /proc/PID/stat) and, for Trellis, Java heap
 * bytes allocated per packet (allocation counter over packets sent+received, from the agents'
 * control sockets). Needs root, iperf3, wireguard-go and wg.
 *
 * <p>Usage: {@code DataPlaneBench [--seconds 10] [--modes
 * wireguard-go,trellis-plain,trellis-tso,trellis-batch,trellis]}
 *
 * <p>Thread-safety: a single-threaded program.
 */
public final class DataPlaneBench {
  private static final Map<String, List<String>> TRELLIS_FLAGS = new LinkedHashMap<>();

  static {
    TRELLIS_FLAGS.put("trellis-plain", List.of("--no-tun-offload", "--plain-udp"));
    TRELLIS_FLAGS.put("trellis-tso", List.of("--plain-udp"));
    TRELLIS_FLAGS.put("trellis-batch", List.of("--no-tun-offload"));
    TRELLIS_FLAGS.put("trellis", List.of()); // the defaults: TSO and batched UDP
  }

  private static final Pattern RECEIVED =
      Pattern.compile(
          "\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*(\\d+)[^}]*?"
              + "\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

  /** One mode's figures. */
  record Figures(String mode, double gbits, long bytes, double cpuSeconds, double allocPerPacket) {
    double cpuPerGb() {
      return cpuSeconds / (bytes / 1e9);
    }
  }

  private DataPlaneBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    List<String> modes =
        List.of("wireguard-go", "trellis-plain", "trellis-tso", "trellis-batch", "trellis");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--modes" -> modes = List.of(args[++i].split(","));
        default -> {
          System.err.println("unknown flag " + args[i]);
          System.exit(2);
        }
      }
    }
    if (!Prerequisites.root()) {
      System.err.println("bench-dataplane needs root (network namespaces, TUN devices)");
      System.exit(1);
    }
    List<Figures> results = new ArrayList<>();
    for (String mode : modes) {
      if (!mode.equals("wireguard-go") && !TRELLIS_FLAGS.containsKey(mode)) {
        System.err.println(
            "unknown mode " + mode + "; known: wireguard-go, " + TRELLIS_FLAGS.keySet());
        System.exit(2);
      }
      System.err.println("== " + mode + " (" + seconds + " s iperf3 TCP) ...");
      Figures f = runMode(mode, seconds);
      System.err.printf(Locale.ROOT, "   %.3f Gbit/s%n", f.gbits());
      results.add(f);
    }
    print(results);
  }

  private static Figures runMode(String mode, int seconds) throws Exception {
    NodePrivateKey ka = NodePrivateKey.generate();
    NodePrivateKey kb = NodePrivateKey.generate();
    try (NetLab lab = NetLab.create("bench-dataplane")) {
      VethPair pair = VethPair.create(lab, "bda", "bdb");
      String ta = lab.name("ba");
      String tb = lab.name("bb");
      String ipA = "10." + pair.net() + ".0.1";
      String ipB = "10." + pair.net() + ".0.2";
      List<Process> ends = new ArrayList<>();
      List<Path> sockets = new ArrayList<>();
      if (mode.equals("wireguard-go")) {
        ends.add(startWgGo(lab, pair.nsA(), ta, ka, kb, ipA, ipB, pair.underlayB()));
        ends.add(startWgGo(lab, pair.nsB(), tb, kb, ka, ipB, ipA, pair.underlayA()));
      } else {
        List<String> flags = TRELLIS_FLAGS.get(mode);
        Path sa = lab.dir().resolve(ta + ".sock");
        Path sb = lab.dir().resolve(tb + ".sock");
        ends.add(startTrellis(lab, pair.nsA(), ta, ka, kb, ipA, ipB, pair.underlayB(), sa, flags));
        ends.add(startTrellis(lab, pair.nsB(), tb, kb, ka, ipB, ipA, pair.underlayA(), sb, flags));
        sockets.add(sa);
        sockets.add(sb);
      }
      lab.exec(pair.nsA(), "ping", "-c", "3", "-i", "0.2", "-W", "3", ipB);
      Process server =
          lab.start(
              NetLab.in(pair.nsB(), List.of("iperf3", "-s", "-1", "-B", ipB)),
              lab.dir().resolve("iperf3-server.log"));
      Thread.sleep(500);
      double cpu0 = 0;
      for (Process p : ends) {
        cpu0 += cpuSeconds(p.pid());
      }
      long[] java0 = javaCounters(sockets);
      String json =
          lab.exec(pair.nsA(), "iperf3", "-c", ipB, "-t", Integer.toString(seconds), "-J");
      double cpu1 = 0;
      for (Process p : ends) {
        cpu1 += cpuSeconds(p.pid());
      }
      long[] java1 = javaCounters(sockets);
      for (Path s : sockets) {
        InterfaceStatus st = ControlClient.get(s);
        StringBuilder drops = new StringBuilder();
        st.counters()
            .forEach(
                (k, v) -> {
                  if ((k.startsWith("drops.") || k.endsWith("_drops")) && v > 0) {
                    drops.append(' ').append(k).append('=').append(v);
                  }
                });
        System.err.println(
            "   "
                + st.name()
                + ": handshakes="
                + st.counters().get("handshakes_completed")
                + " gc="
                + st.counters().get("jvm.gc_count")
                + (drops.isEmpty() ? " no drops" : drops));
      }
      server.waitFor(5, TimeUnit.SECONDS);
      Matcher m = RECEIVED.matcher(json);
      if (!m.find()) {
        throw new IOException("no iperf3 result: " + json);
      }
      long bytes = Long.parseLong(m.group(1));
      double bps = Double.parseDouble(m.group(2));
      double alloc =
          sockets.isEmpty() || java1[1] == java0[1]
              ? Double.NaN
              : (double) (java1[0] - java0[0]) / (java1[1] - java0[1]);
      return new Figures(mode, bps / 1e9, bytes, cpu1 - cpu0, alloc);
    }
  }

  /** {allocated bytes, packets sent+received} summed over the agents. */
  private static long[] javaCounters(List<Path> sockets) throws IOException {
    long alloc = 0;
    long packets = 0;
    for (Path s : sockets) {
      InterfaceStatus st = ControlClient.get(s);
      alloc += st.counters().getOrDefault("jvm.allocated_bytes", 0L);
      packets +=
          st.counters().getOrDefault("packets_sent", 0L)
              + st.counters().getOrDefault("packets_received", 0L);
    }
    return new long[] {alloc, packets};
  }

  private static String config(
      NodePrivateKey me,
      NodePrivateKey peer,
      String self,
      String other,
      String endpoint,
      boolean address) {
    return "[Interface]\nPrivateKey = "
        + me.toSecretBase64()
        + "\nListenPort = 51820\n"
        + (address ? "Address = " + self + "/24\n" : "")
        + "\n[Peer]\nPublicKey = "
        + peer.publicKey().toBase64()
        + "\nAllowedIPs = "
        + other
        + "/32\nEndpoint = "
        + endpoint
        + ":51820\n";
  }

  private static Process startTrellis(
      NetLab lab,
      String ns,
      String tun,
      NodePrivateKey me,
      NodePrivateKey peer,
      String self,
      String other,
      String endpoint,
      Path socket,
      List<String> flags)
      throws Exception {
    Path conf = lab.dir().resolve(tun + ".conf");
    Files.writeString(conf, config(me, peer, self, other, endpoint, true));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xmx256m"));
    String extraJvm = System.getenv("TRELLIS_AGENT_JVM_FLAGS"); // e.g. a JFR recording
    if (extraJvm != null && !extraJvm.isBlank()) {
      cmd.addAll(List.of(extraJvm.replace("{tun}", tun).trim().split("\\s+")));
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.trellis.agent.cli.AgentMain",
            "trellisd",
            "wg",
            "--config",
            conf.toString(),
            "--tun",
            tun,
            "--socket",
            socket.toString()));
    cmd.addAll(flags);
    Process p = lab.start(NetLab.in(ns, cmd), lab.dir().resolve(tun + ".log"));
    lab.awaitFile(socket, p, Duration.ofSeconds(20), "trellisd", tun);
    return p;
  }

  private static Process startWgGo(
      NetLab lab,
      String ns,
      String tun,
      NodePrivateKey me,
      NodePrivateKey peer,
      String self,
      String other,
      String endpoint)
      throws Exception {
    return WireguardGo.start(
        lab, ns, tun, config(me, peer, self, other, endpoint, false), self + "/24");
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

  private static void print(List<Figures> results) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-18s %10s %12s %16s %18s%n",
        "mode",
        "Gbit/s",
        "GB moved",
        "CPU s per GB",
        "alloc B/packet");
    Figures wg = null;
    for (Figures f : results) {
      if (f.mode().equals("wireguard-go")) {
        wg = f;
      }
      System.out.printf(
          Locale.ROOT,
          "%-18s %10.3f %12.3f %16.2f %18s%n",
          f.mode(),
          f.gbits(),
          f.bytes() / 1e9,
          f.cpuPerGb(),
          Double.isNaN(f.allocPerPacket())
              ? "-"
              : String.format(Locale.ROOT, "%.1f", f.allocPerPacket()));
    }
    if (wg != null) {
      for (Figures f : results) {
        if (f != wg) {
          System.out.printf(
              Locale.ROOT,
              "ratio %s / wireguard-go: %.2fx throughput, %.2fx CPU per GB%n",
              f.mode(),
              f.gbits() / wg.gbits(),
              f.cpuPerGb() / wg.cpuPerGb());
        }
      }
    }
  }
}
