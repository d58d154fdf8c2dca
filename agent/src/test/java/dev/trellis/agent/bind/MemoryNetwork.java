package dev.trellis.agent.bind;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * An in-memory UDP network for tests: {@link MemoryBind}s on it address each other by {@link
 * Endpoint} (e.g. 127.0.0.x and a port). It can lose or reorder datagrams at random, drop those a
 * filter rejects (a partition), and show every datagram to a tap (to capture one for a replay).
 *
 * <p>Thread-safety: safe from any thread.
 */
public final class MemoryNetwork {
  /** A datagram in flight. */
  public record Datagram(Endpoint from, Endpoint to, byte[] data) {}

  private final Map<Endpoint, MemoryBind> binds = new ConcurrentHashMap<>();
  private volatile double loss;
  private volatile double reorder;
  private volatile Predicate<Datagram> filter = d -> true;
  private volatile java.util.function.Consumer<Datagram> tap = d -> {};
  private Datagram held; // guarded by this

  /** Sets the probability of losing a datagram and of delaying it behind the next one. */
  public void setImpairment(double lossProbability, double reorderProbability) {
    this.loss = lossProbability;
    this.reorder = reorderProbability;
  }

  /** Delivers only datagrams the filter accepts. */
  public void setFilter(Predicate<Datagram> filter) {
    this.filter = filter;
  }

  /** Shows every datagram sent (before loss and filtering) to {@code tap}. */
  public void setTap(java.util.function.Consumer<Datagram> tap) {
    this.tap = tap;
  }

  /** A bind opener for binds at {@code address}. */
  public BindOpener opener(InetAddress address) {
    return port -> open(address, port);
  }

  /** Opens a bind at {@code address:port}; port 0 picks a free port. */
  public MemoryBind open(InetAddress address, int port) throws IOException {
    if (port == 0) {
      for (int p = 20000 + ThreadLocalRandom.current().nextInt(40000); ; p++) {
        MemoryBind b = tryOpen(new Endpoint(address, p));
        if (b != null) {
          return b;
        }
      }
    }
    MemoryBind b = tryOpen(new Endpoint(address, port));
    if (b == null) {
      throw new java.net.BindException("address in use: " + address + ":" + port);
    }
    return b;
  }

  private MemoryBind tryOpen(Endpoint at) {
    MemoryBind b = new MemoryBind(this, at);
    return binds.putIfAbsent(at, b) == null ? b : null;
  }

  void closed(MemoryBind bind) {
    binds.remove(bind.endpoint(), bind);
  }

  /** Sends a datagram as if {@code from} had sent it (tests inject raw or replayed packets). */
  public void deliver(Endpoint from, Endpoint to, byte[] data) {
    Datagram d = new Datagram(from, to, data.clone());
    tap.accept(d);
    if (!filter.test(d)) {
      return;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    if (loss > 0 && r.nextDouble() < loss) {
      return;
    }
    Datagram late = null;
    if (reorder > 0) {
      synchronized (this) {
        if (held == null && r.nextDouble() < reorder) {
          held = d;
          return;
        }
        late = held;
        held = null;
      }
    }
    arrive(d);
    if (late != null) {
      arrive(late);
    }
  }

  private void arrive(Datagram d) {
    MemoryBind target = binds.get(d.to());
    if (target != null) {
      target.enqueue(d.from(), d.data());
    }
  }
}
