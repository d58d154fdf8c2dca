package dev.trellis.agent.dns;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * Sends queries the resolver does not answer itself to their upstreams and returns the answer with
 * the client's id, or SERVFAIL when none answers in time.
 *
 * <p>Each forwarded query runs on its own virtual thread with its own socket: a fresh random source
 * port and a fresh random id per attempt, so an off-path attacker cannot guess either, and an
 * answer is taken only if its id and question match. Upstreams are tried in order, each attempt
 * bounded by {@link #ATTEMPT}, cycling until {@link #DEADLINE}; an ICMP "port unreachable" moves on
 * at once. The transport follows the client's: a UDP client's query goes upstream over UDP (a
 * truncated upstream answer reaches the client with its TC bit, and the client retries over TCP), a
 * TCP client's over TCP. DNS-over-HTTPS upstreams take every query over HTTPS.
 *
 * <p>Bounds: at most {@link #MAX_IN_FLIGHT} forwarded queries at once (more are dropped and
 * counted, as a resolver out of sockets does), and at most {@link #MAX_SAME_QUESTION} copies of one
 * question in flight: more means the query is going round in a loop (an upstream that sends it back
 * here, e.g. a local resolver that reads /etc/resolv.conf, which now names this resolver), and the
 * extra copies get SERVFAIL and are counted as loops.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Forwarder implements AutoCloseable {
  /** The longest one upstream attempt may take. */
  public static final Duration ATTEMPT = Duration.ofMillis(1000);

  /** The longest a forwarded query may take before the client gets SERVFAIL. */
  public static final Duration DEADLINE = Duration.ofMillis(2500);

  /** Forwarded queries in flight at once. */
  public static final int MAX_IN_FLIGHT = 1024;

  /** Copies of one question in flight at once before it counts as a loop. */
  public static final int MAX_SAME_QUESTION = 8;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final DnsCounters counters;
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-forward-", 0).factory());
  private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
  private final ConcurrentHashMap<String, AtomicInteger> sameQuestion = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Identical, Pending> inFlight = new ConcurrentHashMap<>();
  private volatile HttpClient https; // created on the first DNS-over-HTTPS query

  public Forwarder(DnsCounters counters) {
    this.counters = counters;
  }

  /** With the HTTPS client for DNS-over-HTTPS upstreams given (tests: a private CA). */
  Forwarder(DnsCounters counters, HttpClient https) {
    this.counters = counters;
    this.https = https;
  }

  /**
   * Forwards on a virtual thread and hands the answer to {@code reply} there; nothing (not even
   * SERVFAIL) when over the in-flight limit or closed.
   */
  public void forward(Responder.Forward f, boolean tcp, Consumer<byte[]> reply) {
    if (!slots.tryAcquire()) {
      counters.drop(DnsCounters.Drop.OVERLOADED);
      return;
    }
    try {
      threads.execute(
          () -> {
            try {
              reply.accept(exchange(f, tcp));
            } finally {
              slots.release();
            }
          });
    } catch (RejectedExecutionException e) {
      slots.release(); // closed
    }
  }

  /** Forwards on the calling thread (a TCP connection's) and returns the answer. */
  public byte[] exchange(Responder.Forward f, boolean tcp) {
    Message query = f.query();
    byte[] wire = query.toWire();
    Identical key = new Identical(wire, tcp, f.upstreams());
    Pending mine = new Pending();
    Pending ahead = inFlight.putIfAbsent(key, mine);
    if (ahead != null) {
      // The same query is already upstream (a burst of clients asking one name, or the query
      // coming back round a loop): wait for that answer instead of asking again.
      counters.coalesced();
      byte[] answer = ahead.await(DEADLINE.toNanos());
      return answer == null
          ? Replies.error(query, Rcode.SERVFAIL, f.maxReply(), counters)
          : forClient(answer.clone(), query, f.maxReply());
    }
    byte[] answer = null;
    try {
      answer = ask(query, wire, f.upstreams(), tcp);
    } finally {
      inFlight.remove(key, mine);
      mine.complete(answer);
    }
    return answer == null
        ? Replies.error(query, Rcode.SERVFAIL, f.maxReply(), counters)
        : forClient(answer.clone(), query, f.maxReply());
  }

  /** The upstream's answer to {@code wire}, or null when none answered by the deadline. */
  private byte[] ask(Message query, byte[] wire, List<Upstream> ups, boolean tcp) {
    Record q = query.getQuestion();
    String key =
        q.getName().toString().toLowerCase(Locale.ROOT) + "/" + q.getType() + "/" + q.getDClass();
    AtomicInteger same = sameQuestion.computeIfAbsent(key, k -> new AtomicInteger());
    try {
      if (same.incrementAndGet() > MAX_SAME_QUESTION) {
        counters.loop();
        return null;
      }
      counters.forwarded();
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int i = 0;
          System.nanoTime() < deadline - 1_000_000 && !Thread.currentThread().isInterrupted();
          i++) {
        Upstream u = ups.get(i % ups.size());
        // a DNS-over-HTTPS query may first open a TCP and a TLS connection: two attempts' time
        long attempt = u.doh() != null ? 2 * ATTEMPT.toNanos() : ATTEMPT.toNanos();
        long budget = Math.min(attempt, deadline - System.nanoTime());
        byte[] answer = attempt(u, wire, q, tcp, budget);
        if (answer != null) {
          return answer;
        }
      }
      return null;
    } finally {
      if (same.decrementAndGet() == 0) {
        sameQuestion.remove(key, same);
      }
    }
  }

  /** Queries equal but for their id, sent the same way to the same upstreams. */
  private record Identical(byte[] wire, boolean tcp, List<Upstream> upstreams) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identical other
          && tcp == other.tcp
          && upstreams.equals(other.upstreams)
          && java.util.Arrays.equals(wire, 2, wire.length, other.wire, 2, other.wire.length);
    }

    @Override
    public int hashCode() {
      int h = Boolean.hashCode(tcp);
      for (int i = 2; i < wire.length; i++) {
        h = 31 * h + wire[i];
      }
      return h;
    }
  }

  /** An exchange in flight that identical queries wait for. */
  private static final class Pending {
    private final java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(1);
    private volatile byte[] answer;

    void complete(byte[] a) {
      answer = a;
      done.countDown();
    }

    /** The answer (the caller copies it), or null on failure or after {@code nanos}. */
    byte[] await(long nanos) {
      try {
        return done.await(nanos, java.util.concurrent.TimeUnit.NANOSECONDS) ? answer : null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private byte[] attempt(Upstream u, byte[] wire, Record q, boolean tcp, long budgetNanos) {
    int id = RANDOM.nextInt(1 << 16);
    byte[] out = wire.clone();
    out[0] = (byte) (id >> 8);
    out[1] = (byte) id;
    int millis = (int) Math.max(1, budgetNanos / 1_000_000);
    try {
      if (u.doh() != null) {
        out[0] = 0; // RFC 8484: id 0, so that HTTP caches can share answers
        out[1] = 0;
        return checked(https(u, out, millis), 0, q);
      }
      return checked(tcp ? tcp(u.address(), out, millis) : udp(u.address(), out, millis), id, q);
    } catch (SocketTimeoutException | java.net.http.HttpTimeoutException e) {
      counters.upstreamTimeout();
      return null;
    } catch (PortUnreachableException e) {
      return null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static byte[] udp(InetSocketAddress to, byte[] query, int millis) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(to);
      s.send(new DatagramPacket(query, query.length));
      long deadline = System.nanoTime() + millis * 1_000_000L;
      byte[] buf = new byte[65535];
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new SocketTimeoutException("no answer from " + to);
        }
        s.setSoTimeout((int) left);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        if (p.getLength() >= 12 && buf[0] == query[0] && buf[1] == query[1]) {
          return java.util.Arrays.copyOf(buf, p.getLength());
        }
        // a stray or forged datagram: keep waiting for the real answer
      }
    }
  }

  private static byte[] tcp(InetSocketAddress to, byte[] query, int millis) throws IOException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    try (Socket s = new Socket()) {
      s.connect(to, millis);
      s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      OutputStream o = s.getOutputStream();
      byte[] framed = new byte[query.length + 2];
      framed[0] = (byte) (query.length >> 8);
      framed[1] = (byte) query.length;
      System.arraycopy(query, 0, framed, 2, query.length);
      o.write(framed);
      o.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      int len = in.readUnsignedShort();
      byte[] answer = new byte[len];
      in.readFully(answer);
      return answer;
    }
  }

  private byte[] https(Upstream u, byte[] query, int millis)
      throws IOException, InterruptedException {
    HttpClient c = https;
    if (c == null) {
      synchronized (this) {
        if (https == null) {
          https =
              HttpClient.newBuilder()
                  .connectTimeout(ATTEMPT)
                  .executor(threads)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
        }
        c = https;
      }
    }
    HttpRequest req =
        HttpRequest.newBuilder(u.doh())
            .timeout(Duration.ofMillis(millis))
            .header("Content-Type", "application/dns-message")
            .header("Accept", "application/dns-message")
            .POST(HttpRequest.BodyPublishers.ofByteArray(query))
            .build();
    HttpResponse<byte[]> r = c.send(req, HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode() == 200 ? r.body() : null;
  }

  /** The answer if it answers {@code q} with {@code id}; null otherwise. */
  private static byte[] checked(byte[] answer, int id, Record q) {
    if (answer == null || answer.length < 12) {
      return null;
    }
    try {
      Message m = new Message(answer);
      Record aq = m.getQuestion();
      if (m.getHeader().getID() != id
          || !m.getHeader().getFlag(Flags.QR)
          || aq == null
          || !aq.getName().equals(q.getName())
          || aq.getType() != q.getType()
          || aq.getDClass() != q.getDClass()) {
        return null;
      }
      return answer;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@code answer} with the client's id, cut to {@code maxReply} (TC set) if longer. */
  private byte[] forClient(byte[] answer, Message query, int maxReply) {
    int id = query.getHeader().getID();
    if (answer.length <= maxReply) {
      answer[0] = (byte) (id >> 8);
      answer[1] = (byte) id;
      return answer;
    }
    try {
      Message m = new Message(answer);
      m.getHeader().setID(id);
      return m.toWire(maxReply);
    } catch (IOException e) {
      return Replies.error(query, Rcode.SERVFAIL, maxReply, counters);
    }
  }

  /** Stops taking queries; those in flight end with their sockets. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
