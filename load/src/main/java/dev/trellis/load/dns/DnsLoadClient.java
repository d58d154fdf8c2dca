package dev.trellis.load.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The load side of the DNS benchmark, run inside the device's network namespace (the resolver
 * answers only its own host): sends A queries for one name over UDP and prints one line:
 *
 * <pre>
 * RESULT name=NAME p50_ms=.. p99_ms=.. qps=.. errors=..
 * </pre>
 *
 * Latency comes from one client asking one query at a time ({@code --latency-queries}); queries per
 * second from {@code --clients} clients each asking one at a time for {@code --seconds} (closed
 * loop, so the figure is what the resolver answers, not what it drops). Every answer must be
 * NOERROR with at least one record, else it counts as an error.
 *
 * <p>Usage: {@code DnsLoadClient --server IP --name NAME [--latency-queries 5000] [--clients 16]
 * [--seconds 10]}
 *
 * <p>Thread-safety: one thread per client; results are summed through {@link LongAdder}s.
 */
public final class DnsLoadClient {
  private DnsLoadClient() {}

  public static void main(String[] args) throws Exception {
    String server = null;
    String name = null;
    int latencyQueries = 5000;
    int clients = 16;
    int seconds = 10;
    boolean unique = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--unique" -> unique = true;
        case "--server" -> server = args[++i];
        case "--name" -> name = args[++i];
        case "--latency-queries" -> latencyQueries = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown flag " + args[i]);
          System.exit(2);
        }
      }
    }
    if (server == null || name == null) {
      System.err.println("usage: DnsLoadClient --server IP --name NAME [...]");
      System.exit(2);
    }
    InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(server), 53);
    Name qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    LongAdder errors = new LongAdder();

    // warm-up: JIT and the resolver's first forwards
    try (Client c = new Client(to, qname, unique)) {
      for (int i = 0; i < 500; i++) {
        c.ask(errors);
      }
    }
    errors.reset();

    long[] latencies = new long[latencyQueries];
    try (Client c = new Client(to, qname, unique)) {
      for (int i = 0; i < latencyQueries; i++) {
        latencies[i] = c.ask(errors);
      }
    }
    Arrays.sort(latencies);

    LongAdder answered = new LongAdder();
    boolean uniqueNames = unique;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      threads.add(
          Thread.ofPlatform()
              .name("dns-load-" + t)
              .start(
                  () -> {
                    try (Client c = new Client(to, qname, uniqueNames)) {
                      while (System.nanoTime() < end) {
                        if (c.ask(errors) >= 0) {
                          answered.increment();
                        }
                      }
                    } catch (IOException e) {
                      errors.increment();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT name=%s p50_ms=%.3f p99_ms=%.3f qps=%d errors=%d%n",
        name,
        latencies[latencies.length / 2] / 1e6,
        latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]
            / 1e6,
        answered.sum() / seconds,
        errors.sum());
  }

  /** One UDP client asking one query at a time. */
  private static final class Client implements AutoCloseable {
    private final DatagramSocket socket;
    private final Name qname;
    private final boolean unique;
    private byte[] query;
    private final byte[] in = new byte[4096];

    Client(InetSocketAddress to, Name qname, boolean unique) throws IOException {
      socket = new DatagramSocket();
      socket.connect(to);
      socket.setSoTimeout(2000);
      this.qname = qname;
      this.unique = unique;
      query = query(qname);
    }

    private static byte[] query(Name name) {
      Message m = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
      m.getHeader().setFlag(Flags.RD);
      return m.toWire();
    }

    /** The latency in nanoseconds, or -1 (counted as an error) for a bad or missing answer. */
    long ask(LongAdder errors) throws IOException {
      if (unique) {
        String label = "q" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        query = query(Name.concatenate(Name.fromString(label, null), qname));
      }
      int id = ThreadLocalRandom.current().nextInt(1 << 16);
      query[0] = (byte) (id >> 8);
      query[1] = (byte) id;
      long t0 = System.nanoTime();
      socket.send(new DatagramPacket(query, query.length));
      while (true) {
        DatagramPacket p = new DatagramPacket(in, in.length);
        try {
          socket.receive(p);
        } catch (SocketTimeoutException e) {
          errors.increment();
          return -1;
        }
        if (p.getLength() < 12 || ((in[0] & 0xff) << 8 | (in[1] & 0xff)) != id) {
          continue; // a late answer to an earlier query
        }
        long took = System.nanoTime() - t0;
        Message m = new Message(Arrays.copyOf(in, p.getLength()));
        if (m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
          errors.increment();
          return -1;
        }
        return took;
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
