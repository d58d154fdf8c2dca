package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.netlab.Command;
import dev.trellis.netlab.WireguardGo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Not a test (its name keeps it out of the suite): the scenario behind {@code load/bench-paths}. In
 * one NAT test bed and one run it measures TCP throughput (iperf3, one stream, {@code
 * -Dtrellis.bench.seconds}, default 8) and ping RTT between two joined devices on each path a
 * device can end on, and between two wireguard-go peers behind the same kind of routers as the
 * reference: direct (both behind endpoint-independent NATs), through the UDP relay (both behind
 * symmetric NATs), through the TLS relay (one side's UDP blocked), and wireguard-go direct. Prints
 * one {@code PATH} line per path; asserts only that each scenario reached its path and carried
 * traffic.
 *
 * <p>Thread-safety: used by JUnit's thread only.
 */
class PathsBenchmark {
  private static final Pattern RATE =
      Pattern.compile("([0-9.]+) ([KMG])bits/sec\\s+(?:\\d+\\s+)?receiver");

  /**
   * Seconds of each iperf3 run left out of its figure (iperf3 --omit): TCP's slow start, and the
   * JIT compiling each path's code in the agents and the relay, are not the path's throughput. With
   * both cores saturated, the TLS relay path needs about 10 s to get there (three JVMs compile its
   * code); the average over these seconds is printed beside the figure.
   */
  private static final int WARM_UP_SECONDS = Integer.getInteger("trellis.bench.warmup", 10);

  /** One per-second line iperf3 left out of its summary: its rate. */
  private static final Pattern OMITTED =
      Pattern.compile("([0-9.]+) ([KMG]?)bits/sec.*\\(omitted\\)");

  /** ping's summary line (min/avg/max/mdev): groups avg, max and mdev. */
  private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/([0-9.]+)/([0-9.]+) ms");

  @Test
  void everyPathInOneRun() throws Exception {
    int seconds = Integer.getInteger("trellis.bench.seconds", 8);
    java.util.Set<String> paths =
        java.util.Set.of(
            System.getProperty("trellis.bench.paths", "direct,udp-relay,tls-relay,wireguard-go")
                .split(","));
    List<String> rows = new ArrayList<>();
    try (NatLab nat = NatLab.start("paths")) {
      if (paths.contains("direct")) {
        rows.add(direct(nat, seconds));
      }
      if (paths.contains("udp-relay")) {
        rows.add(udpRelay(nat, seconds));
      }
      if (paths.contains("tls-relay")) {
        rows.add(tlsRelay(nat, seconds));
      }
      if (paths.contains("wireguard-go")) {
        rows.add(wireguardGo(nat, seconds));
      }
    }
    rows.forEach(System.out::println);
  }

  private static String direct(NatLab nat, int seconds) throws Exception {
    NatLab.Pair pair = nat.pair(NatKind.EASY, NatKind.EASY);
    return onPath(
        nat,
        "direct",
        pair,
        s -> PathAssert.directTo(s, pair.routerB().wanIp),
        s -> PathAssert.directTo(s, pair.routerA().wanIp),
        seconds);
  }

  private static String udpRelay(NatLab nat, int seconds) throws Exception {
    String relay = nat.lab.hostIp;
    Predicate<AgentStatus> onIt = s -> PathAssert.udpRelayedVia(s, relay);
    return onPath(nat, "udp-relay", nat.pair(NatKind.HARD, NatKind.HARD), onIt, onIt, seconds);
  }

  private static String tlsRelay(NatLab nat, int seconds) throws Exception {
    NatLab.Pair pair = nat.pair(NatKind.UDP_BLOCKED, NatKind.EASY);
    return onPath(nat, "tls-relay", pair, PathAssert::relayed, PathAssert::relayed, seconds);
  }

  /** Measures {@code pair} once device A is where {@code onA} and B where {@code onB} says. */
  private static String onPath(
      NatLab nat,
      String path,
      NatLab.Pair pair,
      Predicate<AgentStatus> onA,
      Predicate<AgentStatus> onB,
      int seconds)
      throws Exception {
    PathAssert.pingUntilAnswered(pair.a(), pair.b(), 20);
    pair.a().await(path, onA, 30_000);
    pair.b().await(path, onB, 30_000);
    String row =
        measure(
            nat, path, pair.routerA().deviceNs, pair.routerB().deviceNs, pair.b().ipv4(), seconds);
    nat.server
        .metrics()
        .lines()
        .filter(l -> l.startsWith("trellis_relay_drops") || l.startsWith("trellis_relay_packets"))
        .forEach(l -> System.out.println("after " + path + ": " + l)); // where the relay dropped
    pair.stop();
    return row;
  }

  /** Two wireguard-go peers, each behind an easy NAT router, talking directly. */
  private static String wireguardGo(NatLab nat, int seconds) throws Exception {
    NatRouter ra = nat.router(NatKind.EASY);
    NatRouter rb = nat.router(NatKind.EASY);
    String[] ka = keypair();
    String[] kb = keypair();
    WireguardGo.start(
        nat.lab.net, ra.deviceNs, "wgref0", config(ka[0], kb[1], rb.wanIp), "10.97.0.1/24");
    WireguardGo.start(
        nat.lab.net, rb.deviceNs, "wgref1", config(kb[0], ka[1], ra.wanIp), "10.97.0.2/24");
    Command.Result ping = null;
    for (int i = 0; i < 40; i++) {
      ping = nat.lab.run(ra.deviceNs, List.of("ping", "-c", "1", "-W", "1", "10.97.0.2"), 5);
      if (ping.code() == 0) {
        break;
      }
    }
    assertEquals(0, ping.code(), "wireguard-go pair never answered a ping: " + ping.out());
    return measure(nat, "wireguard-go", ra.deviceNs, rb.deviceNs, "10.97.0.2", seconds);
  }

  private static String config(String privateKey, String peerPublic, String peerWan) {
    return "[Interface]\nPrivateKey = "
        + privateKey
        + "\nListenPort = "
        + NatRouter.DEVICE_PORT
        + "\n\n[Peer]\nPublicKey = "
        + peerPublic
        + "\nAllowedIPs = 10.97.0.0/24\nEndpoint = "
        + peerWan
        + ":"
        + NatRouter.DEVICE_PORT
        + "\nPersistentKeepalive = 1\n";
  }

  /** A private key and its public key, from wg(8). */
  private static String[] keypair() throws Exception {
    String priv =
        Command.run(List.of("wg", "genkey"), java.time.Duration.ofSeconds(10))
            .requireOk("wg genkey")
            .out()
            .strip();
    Process p = new ProcessBuilder("wg", "pubkey").start();
    p.getOutputStream().write((priv + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String pub =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
            .strip();
    assertEquals(0, p.waitFor(), "wg pubkey");
    return new String[] {priv, pub};
  }

  /** iperf3 from {@code clientNs} to {@code serverIp} (served in {@code serverNs}) and ping RTT. */
  private static String measure(
      NatLab nat, String path, String clientNs, String serverNs, String serverIp, int seconds)
      throws Exception {
    nat.lab.start(
        List.of("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-B", serverIp),
        nat.lab.dir.resolve("iperf-" + path + ".log"));
    // ping beside the transfer, on the same pair and direction: what a queue on the path adds
    Path loadedLog = nat.lab.dir.resolve("ping-loaded-" + path + ".log");
    Process loaded = null;
    Command.Result r = null;
    for (int i = 0; i < 20; i++) {
      if (loaded == null) {
        loaded =
            nat.lab.start(
                List.of(
                    "ip",
                    "netns",
                    "exec",
                    clientNs,
                    "ping",
                    "-q",
                    "-i",
                    "0.1",
                    "-w",
                    Integer.toString(WARM_UP_SECONDS + seconds + 1),
                    serverIp),
                loadedLog);
      }
      r =
          nat.lab.run(
              clientNs,
              List.of(
                  "iperf3",
                  "-c",
                  serverIp,
                  "-O",
                  Integer.toString(WARM_UP_SECONDS),
                  "-t",
                  Integer.toString(seconds)),
              30 + WARM_UP_SECONDS + 2 * seconds);
      if (r.code() == 0) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(0, r.code(), path + ": iperf3 failed: " + r.out());
    loaded.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    Matcher underLoad = RTT.matcher(java.nio.file.Files.readString(loadedLog));
    String loadedRtt =
        underLoad.find() ? underLoad.group(1) + " ms (max " + underLoad.group(2) + ")" : "n/a";
    System.out.println("iperf3 over " + path + ":\n" + r.out()); // per-second rates, retransmits
    Matcher m = RATE.matcher(r.out());
    double mbits = m.find() ? mbits(m.group(1), m.group(2)) : 0;
    double warm = 0;
    int warmSeconds = 0;
    for (Matcher w = OMITTED.matcher(r.out()); w.find(); warmSeconds++) {
      warm += mbits(w.group(1), w.group(2));
    }
    warm = warmSeconds == 0 ? 0 : warm / warmSeconds;
    Command.Result ping =
        nat.lab.run(clientNs, List.of("ping", "-q", "-c", "50", "-i", "0.02", serverIp), 30);
    Matcher rtt = RTT.matcher(ping.out());
    String avg = rtt.find() ? rtt.group(1) + " ms (mdev " + rtt.group(3) + ")" : "n/a";
    return String.format(
        java.util.Locale.ROOT,
        "PATH %-13s tcp %8.1f Mbit/s (warm-up %d s: %.0f)  ping avg %s, during the transfer %s",
        path,
        mbits,
        warmSeconds,
        warm,
        avg,
        loadedRtt);
  }

  private static double mbits(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "G" -> v * 1000;
      case "K" -> v / 1000;
      case "" -> v / 1_000_000;
      default -> v;
    };
  }
}
