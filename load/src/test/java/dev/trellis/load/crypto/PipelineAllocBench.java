package dev.trellis.load.crypto;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.MemoryNetwork;
import dev.trellis.agent.device.Device;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.DeviceOptions;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.time.SystemClock;
import dev.trellis.agent.tun.MemoryTun;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.net.IpPrefix;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes allocated per packet by each WireGuard pipeline thread in steady state, for two devices
 * over the in-memory twins (A encrypts, B decrypts). The twins copy each packet (MemoryBind/
 * MemoryNetwork in {@code wg-udp-sender}, MemoryTun in {@code wg-tun-writer}), so those two rows
 * include about 3 KB per packet that a kernel TUN/UDP socket would not allocate.
 *
 * <p>The twins are test fixtures (the agent's test-jar), so this benchmark lives in load's test
 * sources and runs from the test classpath: {@code mvn -q -pl load exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.trellis.load.crypto.PipelineAllocBench
 * -Dexec.args=200000} (packets; default 200,000).
 */
public final class PipelineAllocBench {
  private PipelineAllocBench() {}

  public static void main(String[] args) throws Exception {
    int packets = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    MemoryNetwork net = new MemoryNetwork();
    NodePrivateKey ka = NodePrivateKey.generate();
    NodePrivateKey kb = NodePrivateKey.generate();
    MemoryTun ta = new MemoryTun("a0", 1420, 64);
    MemoryTun tb = new MemoryTun("b0", 1420, 64);
    DeviceOptions opts = DeviceOptions.defaults();
    Device a =
        new Device(ta, net.opener(InetAddress.getByName("127.0.0.1")), SystemClock.INSTANCE, opts);
    Device b =
        new Device(tb, net.opener(InetAddress.getByName("127.0.0.2")), SystemClock.INSTANCE, opts);
    b.reconfigure(new DeviceConfig(kb, 0, List.of()));
    a.reconfigure(new DeviceConfig(ka, 0, List.of()));
    Endpoint epB = new Endpoint(InetAddress.getByName("127.0.0.2"), b.listenPort());
    a.reconfigure(
        new DeviceConfig(
            ka,
            a.listenPort(),
            List.of(
                new PeerConfig(
                    kb.publicKey(),
                    null,
                    List.of(IpPrefix.parse("10.0.0.2/32")),
                    epB,
                    Duration.ZERO))));
    b.reconfigure(
        new DeviceConfig(
            kb,
            b.listenPort(),
            List.of(
                new PeerConfig(
                    ka.publicKey(),
                    null,
                    List.of(IpPrefix.parse("10.0.0.1/32")),
                    null,
                    Duration.ZERO))));
    byte[] pkt = new byte[1420];
    pkt[0] = 0x45;
    pkt[2] = (byte) (1420 >>> 8);
    pkt[3] = (byte) 1420;
    pkt[9] = 17;
    pkt[12] = 10;
    pkt[15] = 1;
    pkt[16] = 10;
    pkt[19] = 2;
    run(ta, tb, pkt, 20_000); // warm-up and handshake
    Map<String, Long> before = allocByThread();
    long t0 = System.nanoTime();
    int got = run(ta, tb, pkt, packets);
    long ns = System.nanoTime() - t0;
    Map<String, Long> after = allocByThread();
    System.out.printf(
        Locale.ROOT,
        "%d packets of 1420 B delivered of %d in %.2f s: %.2f Gbit/s (in memory, both devices on one machine)%n",
        got,
        packets,
        ns / 1e9,
        got * 1420L * 8 / (double) ns);
    System.out.printf(Locale.ROOT, "%-18s %14s%n", "thread (A + B)", "B alloc/packet");
    for (var e : after.entrySet()) {
      long diff = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      System.out.printf(Locale.ROOT, "%-18s %14.1f%n", e.getKey(), diff / (double) got);
    }
    System.out.println(a.counters());
    a.close();
    b.close();
    ta.close();
    tb.close();
    System.exit(0);
  }

  private static int run(MemoryTun ta, MemoryTun tb, byte[] pkt, int n) throws Exception {
    int got = 0;
    int sent = 0;
    while (sent < n) {
      int burst = Math.min(256, n - sent);
      for (int i = 0; i < burst; i++) {
        ta.inject(pkt);
      }
      sent += burst;
      for (int i = 0; i < burst; i++) {
        if (tb.poll(2000) == null) {
          break;
        }
        got++;
      }
    }
    return got;
  }

  private static Map<String, Long> allocByThread() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("wg-")) {
        String name = t.getName().replaceAll("-\\d+$", "-N");
        out.merge(name, mx.getThreadAllocatedBytes(t.threadId()), Long::sum);
      }
    }
    return out;
  }
}
