package dev.trellis.load.relay;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.relay.RelayFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Relay benchmark: starts one relay instance in a child JVM ({@link RelayBenchServer}) and prints
 * (1) forwarding throughput through it (packets/s and Gbit/s of 1200-byte packets, several
 * sender/receiver pairs over TLS), (2) the round-trip time of a packet relayed there and back (the
 * relay's added latency is about half of it, minus loopback TCP), and (3) how many idle
 * authenticated TLS connections it holds and its memory per connection. Bounded in time (about two
 * minutes; {@code --seconds}, {@code --pairs}, {@code --idle} adjust it).
 *
 * <p>Thread-safety: main thread plus client threads it starts and joins.
 */
public final class RelayBench {
  private static final int PACKET = 1200;

  private RelayBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 5);
    int pairs = intArg(args, "--pairs", 2);
    int idle = intArg(args, "--idle", 10_000);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "--add-modules",
            "java.se",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            RelayBenchServer.class.getName(),
            String.valueOf(idle + 2 * pairs + 2)));
    Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      var lines = new BufferedReader(new InputStreamReader(server.getInputStream()));
      var control = new PrintWriter(server.getOutputStream(), true);
      String[] ready = awaitLine(lines, "READY ").split(" ");
      int port = Integer.parseInt(ready[1]);
      String pin = ready[2];
      System.out.printf(
          "relay bench: 1 instance, %d cores, load average %s%n",
          Runtime.getRuntime().availableProcessors(), loadAverage());
      throughput(port, pin, pairs, seconds, lines, control);
      latency(port, pin, pairs);
      idleConnections(port, pin, idle, 2 * pairs + 2, lines, control);
      control.println("quit");
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  private static void throughput(
      int port, String pin, int pairs, int seconds, BufferedReader lines, PrintWriter control)
      throws Exception {
    LongAdder received = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<BenchClient> clients = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      NodePrivateKey src = BenchKeys.key(2 * p);
      NodePrivateKey dst = BenchKeys.key(2 * p + 1);
      BenchClient tx = BenchClient.connect(port, pin, src);
      BenchClient rx = BenchClient.connect(port, pin, dst);
      clients.add(tx);
      clients.add(rx);
      threads.add(
          Thread.ofPlatform()
              .name("bench-rx-" + p)
              .start(
                  () -> {
                    try {
                      RelayFrame f;
                      while ((f = rx.read()) != null) {
                        if (f instanceof RelayFrame.RecvPacket) {
                          received.increment();
                        }
                      }
                    } catch (Exception e) {
                      // closed at the end
                    }
                  }));
      var dstKey = dst.publicKey();
      threads.add(
          Thread.ofPlatform()
              .name("bench-tx-" + p)
              .start(
                  () -> {
                    byte[] packet = new byte[PACKET];
                    try {
                      while (!stop.get()) {
                        for (int i = 0; i < 32; i++) {
                          tx.send(dstKey, packet);
                        }
                        tx.flush();
                      }
                    } catch (IOException e) {
                      // closed at the end
                    }
                  }));
    }
    Thread.sleep(3000); // warm-up (JIT)
    control.println("stats");
    long[] before = stats(lines);
    long start = received.sum();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long n = received.sum() - start;
    double secs = (System.nanoTime() - t0) / 1e9;
    control.println("stats");
    long[] after = stats(lines);
    long relayed = after[3] - before[3];
    double cpuPerPacket = relayed == 0 ? 0 : (after[5] - before[5]) / 1e3 / relayed;
    stop.set(true);
    for (BenchClient c : clients) {
      c.close();
    }
    for (Thread t : threads) {
      t.join(5000);
    }
    System.out.printf(
        "throughput: %d pairs, %d-byte packets over TLS: %.0f packets/s, %.3f Gbit/s (payload);"
            + " relay CPU %.1f us/packet (~%.0f packets/s per fully used core)%n",
        pairs,
        PACKET,
        n / secs,
        n * PACKET * 8 / secs / 1e9,
        cpuPerPacket,
        cpuPerPacket == 0 ? 0 : 1e6 / cpuPerPacket);
  }

  private static void latency(int port, String pin, int pairs) throws Exception {
    NodePrivateKey a = BenchKeys.key(2 * pairs);
    NodePrivateKey b = BenchKeys.key(2 * pairs + 1);
    try (BenchClient ca = BenchClient.connect(port, pin, a);
        BenchClient cb = BenchClient.connect(port, pin, b)) {
      var aKey = a.publicKey();
      Thread echo =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      RelayFrame f;
                      while ((f = cb.read()) != null) {
                        if (f instanceof RelayFrame.RecvPacket p) {
                          cb.send(aKey, p.packet());
                          cb.flush();
                        }
                      }
                    } catch (Exception e) {
                      // closed at the end
                    }
                  });
      BlockingQueue<Long> rtts = new ArrayBlockingQueue<>(1);
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      RelayFrame f;
                      while ((f = ca.read()) != null) {
                        if (f instanceof RelayFrame.RecvPacket p) {
                          rtts.put(System.nanoTime() - ByteBuffer.wrap(p.packet()).getLong());
                        }
                      }
                    } catch (Exception e) {
                      // closed at the end
                    }
                  });
      int rounds = 2000;
      long[] samples = new long[rounds];
      int done = 0;
      long deadline = System.nanoTime() + 20_000_000_000L;
      for (int i = 0; i < rounds + 200 && System.nanoTime() < deadline; i++) {
        byte[] packet = new byte[PACKET];
        ByteBuffer.wrap(packet).putLong(System.nanoTime());
        ca.send(b.publicKey(), packet);
        ca.flush();
        Long rtt = rtts.poll(5, TimeUnit.SECONDS);
        if (rtt == null) {
          break;
        }
        if (i >= 200) {
          samples[done++] = rtt; // the first 200 warm up
        }
      }
      ca.close();
      cb.close();
      echo.join(2000);
      reader.join(2000);
      long[] s = Arrays.copyOf(samples, done);
      Arrays.sort(s);
      if (s.length == 0) {
        System.out.println("latency: no round trips completed");
        return;
      }
      System.out.printf(
          "latency: %d round trips device->relay->device->relay->device: RTT p50 %.0f us, p90 %.0f"
              + " us, p99 %.0f us (relay hop ~ RTT/2 = %.0f us at p50)%n",
          s.length,
          s[s.length / 2] / 1e3,
          s[s.length * 9 / 10] / 1e3,
          s[s.length * 99 / 100] / 1e3,
          s[s.length / 2] / 2e3);
    }
  }

  private static void idleConnections(
      int port, String pin, int n, int firstKey, BufferedReader lines, PrintWriter control)
      throws Exception {
    control.println("stats");
    long[] before = stats(lines);
    List<BenchClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    Semaphore inFlight = new Semaphore(32);
    long t0 = System.nanoTime();
    long deadline = t0 + 90_000_000_000L;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
        inFlight.acquire();
        int k = firstKey + i;
        pool.execute(
            () -> {
              try {
                clients.add(BenchClient.connect(port, pin, BenchKeys.key(k)));
              } catch (Exception e) {
                failed.incrementAndGet();
              } finally {
                inFlight.release();
              }
            });
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(1000);
    control.println("stats");
    long[] after = stats(lines);
    long held = after[2];
    System.out.printf(
        "idle connections: %d connected in %.1f s (%.0f TLS handshakes + proofs/s), %d failed;"
            + " relay holds %d; relay heap %.1f -> %.1f MiB (%.1f KiB/connection), RSS %.1f -> %.1f"
            + " MiB (%.1f KiB/connection)%n",
        clients.size(),
        secs,
        clients.size() / secs,
        failed.get(),
        held,
        before[0] / 1048576.0,
        after[0] / 1048576.0,
        held == 0 ? 0 : (after[0] - before[0]) / 1024.0 / held,
        before[1] / 1048576.0,
        after[1] / 1048576.0,
        held == 0 ? 0 : (after[1] - before[1]) / 1024.0 / held);
    for (BenchClient c : clients) {
      c.close();
    }
  }

  private static long[] stats(BufferedReader lines) throws IOException {
    String[] f = awaitLine(lines, "STATS ").split(" ");
    long[] out = new long[f.length - 1];
    for (int i = 1; i < f.length; i++) {
      out[i - 1] = Long.parseLong(f[i]);
    }
    return out;
  }

  private static String awaitLine(BufferedReader lines, String prefix) throws IOException {
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IOException("the relay process ended before printing " + prefix.trim());
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static int intArg(String[] args, String name, int def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }
}
