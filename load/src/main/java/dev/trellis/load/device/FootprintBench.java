package dev.trellis.load.device;

import dev.trellis.agent.localapi.AgentStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's footprint with three peers and traffic. Starts the all-in-one server and, for each
 * {@link DaemonLaunch} (old and new JVM flags side by side, in turn, {@code --rounds} times), four
 * {@code trellisd} in network namespaces on one bridge that join the tailnet, so each has three
 * peers; then measures the first one (the hub): RSS joined and idle, iperf3 TCP from the hub to the
 * three peers at once and back (3 streams each way) with the hub's RSS sampled throughout, and RSS
 * after the traffic has stopped. Each round's nodes are deleted before the next, so every round
 * sees exactly three peers. Prints one table row per round. Needs root and iperf3.
 *
 * <p>Usage: {@code FootprintBench --repo DIR [--compare DIR] [--daemons
 * before,launcher,NAME=FLAGS...] [--seconds 10] [--settle 10] [--rounds 1] [--nmt]} ({@code --nmt}
 * turns on Native Memory Tracking in every daemon through {@code JDK_JAVA_OPTIONS} and prints,
 * after the traffic, the hub's resident memory by mapping and its NMT summary).
 *
 * <p>Thread-safety: runs on the main thread; iperf3 clients run on virtual threads.
 */
public final class FootprintBench {
  private static final Pattern RECEIVED =
      Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

  /** One round's figures; RSS in MiB, throughput in Gbit/s summed over the three streams. */
  record Row(
      String launch,
      double idle,
      double peakDuringTraffic,
      double after,
      double hubHwm,
      double peersHwm,
      double forward,
      double reverse) {}

  private FootprintBench() {}

  public static void main(String[] args) throws Exception {
    Path repo = null;
    Path compare = null;
    List<String> specs = List.of("before", "launcher");
    int seconds = 10;
    int settle = 10;
    int rounds = 1;
    boolean nmt = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> repo = Path.of(args[++i]);
        case "--compare" -> compare = Path.of(args[++i]).toAbsolutePath();
        case "--daemons" -> specs = List.of(args[++i].split(","));
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--settle" -> settle = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--nmt" -> nmt = true;
        default -> usage("unknown flag " + args[i]);
      }
    }
    if (repo == null) {
      usage("--repo DIR is required");
    }
    List<DaemonLaunch> launches = new ArrayList<>();
    for (String s : specs) {
      launches.add(DaemonLaunch.parse(s.trim(), repo, compare));
    }
    List<Row> rows = new ArrayList<>();
    try (DeviceLab lab = new DeviceLab()) {
      System.err.println("footprint: starting the server ...");
      LabServer server = LabServer.start(lab, repo);
      String key = server.authKey();
      int n = 0;
      for (int r = 0; r < rounds; r++) {
        for (DaemonLaunch launch : launches) {
          n++;
          System.err.printf("footprint: round %d, %s ...%n", r + 1, launch.name());
          rows.add(round(lab, server, repo, key, launch, "r" + n, seconds, settle, nmt));
          print(List.of(rows.getLast()), rows.size() == 1);
        }
      }
    }
    System.out.println();
    print(rows, true);
  }

  private static Row round(
      DeviceLab lab,
      LabServer server,
      Path repo,
      String key,
      DaemonLaunch launch,
      String tag,
      int seconds,
      int settle,
      boolean nmt)
      throws Exception {
    DaemonLaunch l =
        nmt ? new DaemonLaunch(launch.name(), launch.command(), withNmt(launch.env())) : launch;
    List<LabDaemon> daemons = new ArrayList<>();
    try {
      for (String who : List.of("hub", "peer1", "peer2", "peer3")) {
        daemons.add(LabDaemon.start(lab, l, who + tag));
      }
      for (LabDaemon d : daemons) {
        d.up(repo, server.loginServer, key);
      }
      for (LabDaemon d : daemons) {
        d.await("Running with three peers", FootprintBench::threePeers, 60);
      }
      LabDaemon hub = daemons.getFirst();
      List<LabDaemon> peers = daemons.subList(1, daemons.size());
      List<String> ips = new ArrayList<>();
      for (LabDaemon p : peers) {
        ips.add(p.ipv4());
        awaitPing(hub, ips.getLast());
      }
      Thread.sleep(settle * 1000L);
      double idle = mib(hub.rssKib()[0]);
      double[] peak = {0};
      double forward = traffic(lab, hub, peers, ips, seconds, false, peak);
      double reverse = traffic(lab, hub, peers, ips, seconds, true, peak);
      Thread.sleep(settle * 1000L);
      long[] hubRss = hub.rssKib();
      double peersHwm = 0;
      for (LabDaemon p : peers) {
        peersHwm = Math.max(peersHwm, mib(p.rssKib()[1]));
      }
      if (nmt) {
        System.err.println("footprint: " + l.name() + " hub memory after traffic:");
        System.err.println(MemoryMap.summary(hub.process.pid(), 12));
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = Long.toString(hub.process.pid());
        System.err.println(DeviceLab.sh(jcmd, pid, "GC.heap_info"));
        System.err.println(DeviceLab.sh(jcmd, pid, "VM.native_memory", "summary"));
      }
      for (LabDaemon d : daemons) {
        server.deleteNode(d.status().self().id());
      }
      return new Row(
          l.name(), idle, peak[0], mib(hubRss[0]), mib(hubRss[1]), peersHwm, forward, reverse);
    } finally {
      for (LabDaemon d : daemons) {
        d.stop();
      }
    }
  }

  private static Map<String, String> withNmt(Map<String, String> env) {
    var m = new java.util.LinkedHashMap<>(env);
    m.put("JDK_JAVA_OPTIONS", "-XX:NativeMemoryTracking=summary");
    return m;
  }

  private static boolean threePeers(AgentStatus s) {
    return "Running".equals(s.state())
        && s.peers().size() == 3
        && s.peers().stream().noneMatch(p -> p.expired());
  }

  private static void awaitPing(LabDaemon from, String ip) throws IOException {
    for (int i = 0; i < 30; i++) {
      try {
        DeviceLab.in(from.ns, "ping", "-c", "1", "-W", "1", ip);
        return;
      } catch (IOException e) {
        // the first packets set up the path and the session
      }
    }
    throw new IOException(from.name + " cannot ping " + ip);
  }

  /**
   * iperf3 TCP between the hub and each peer at once for {@code seconds} ({@code reverse}: the
   * peers send); samples the hub's RSS into {@code peak}; returns the Gbit/s summed over the
   * streams.
   */
  private static double traffic(
      DeviceLab lab,
      LabDaemon hub,
      List<LabDaemon> peers,
      List<String> ips,
      int seconds,
      boolean reverse,
      double[] peak)
      throws Exception {
    List<Process> servers = new ArrayList<>();
    for (int i = 0; i < peers.size(); i++) {
      servers.add(
          lab.start(
              List.of(
                  "ip", "netns", "exec", peers.get(i).ns, "iperf3", "-s", "-1", "-B", ips.get(i)),
              Map.of(),
              lab.dir.resolve("iperf3-" + peers.get(i).name + (reverse ? "-r" : "") + ".log")));
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> clients = new ArrayList<>();
      for (String ip : ips) {
        clients.add(pool.submit(() -> client(hub.ns, ip, seconds, reverse)));
      }
      while (clients.stream().anyMatch(f -> !f.isDone())) {
        peak[0] = Math.max(peak[0], mib(hub.rssKib()[0]));
        Thread.sleep(200);
      }
      double gbits = 0;
      for (Future<String> f : clients) {
        Matcher m = RECEIVED.matcher(f.get());
        if (!m.find()) {
          throw new IOException("no iperf3 result: " + f.get());
        }
        gbits += Double.parseDouble(m.group(1)) / 1e9;
      }
      return gbits;
    } finally {
      for (Process s : servers) {
        DeviceLab.stop(s);
      }
    }
  }

  private static String client(String ns, String ip, int seconds, boolean reverse)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("iperf3", "-c", ip, "-t", Integer.toString(seconds), "-J"));
    if (reverse) {
      cmd.add("-R");
    }
    String last = null;
    for (int i = 0; i < 20; i++) {
      try {
        last = DeviceLab.in(ns, cmd.toArray(String[]::new));
        if (RECEIVED.matcher(last).find()) {
          return last;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Thread.sleep(250); // the server may not listen yet
    }
    throw new IOException("iperf3 to " + ip + " failed: " + last);
  }

  private static double mib(long kib) {
    return kib / 1024.0;
  }

  private static void print(List<Row> rows, boolean header) {
    if (header) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %10s %12s %10s %10s %11s %10s %10s%n",
          "daemon",
          "idle MiB",
          "traffic MiB",
          "after MiB",
          "hub peak",
          "peers peak",
          "hub->3 Gb/s",
          "3->hub Gb/s");
    }
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %10.1f %12.1f %10.1f %10.1f %11.1f %10.3f %10.3f%n",
          r.launch(),
          r.idle(),
          r.peakDuringTraffic(),
          r.after(),
          r.hubHwm(),
          r.peersHwm(),
          r.forward(),
          r.reverse());
    }
    System.out.flush();
  }

  private static void usage(String why) {
    System.err.println("footprint: " + why);
    System.err.println(
        "usage: FootprintBench --repo DIR [--compare DIR] [--daemons before,launcher,NAME=FLAGS...]"
            + " [--seconds 10] [--settle 10] [--rounds 1] [--nmt]");
    System.exit(2);
  }
}
