package dev.trellis.relay.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The relay's counters: connections, packets and bytes forwarded by path ({@code local}, {@code
 * mesh_out}, {@code mesh_in}), packets dropped by reason, connections refused by reason and control
 * frames sent by type. Exposed through Micrometer ({@code trellis_relay_*}) and readable directly
 * for tests and benchmarks.
 *
 * <p>Thread-safety: thread-safe (adders and concurrent maps).
 */
public final class RelayMetrics {
  private final MeterRegistry registry;
  private final String instance;
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<String, LongAdder> values = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  // per path, the adders and counters of packets and bytes: one lookup per forwarded packet
  private final ConcurrentHashMap<String, Forwarded> forwarded = new ConcurrentHashMap<>();

  private record Forwarded(
      LongAdder packets, Counter packetCount, LongAdder bytes, Counter byteCount) {
    void add(long n, long size) {
      packets.add(n);
      packetCount.increment(n);
      bytes.add(size);
      byteCount.increment(size);
    }
  }

  public RelayMetrics(MeterRegistry registry, String instance) {
    this.registry = registry;
    this.instance = instance;
    Gauge.builder("trellis_relay_connections", connections, AtomicInteger::get)
        .tag("instance", instance)
        .description("Devices connected to this relay instance")
        .register(registry);
  }

  /** A device connected (+1) or disconnected (-1). */
  public void connections(int delta) {
    connections.addAndGet(delta);
  }

  /** Devices connected now. */
  public int connections() {
    return connections.get();
  }

  /** One packet of {@code bytes} forwarded on {@code path}. */
  public void forwarded(String path, int bytes) {
    forwarded(path, 1, bytes);
  }

  /** {@code packets} packets of {@code bytes} bytes in all forwarded on {@code path}. */
  public void forwarded(String path, long packets, long bytes) {
    Forwarded f = forwarded.get(path);
    if (f == null) {
      f = forwarded.computeIfAbsent(path, this::forwardedOn);
    }
    f.add(packets, bytes);
  }

  private Forwarded forwardedOn(String path) {
    String p = id("trellis_relay_packets_total", "path", path);
    String b = id("trellis_relay_bytes_total", "path", path);
    return new Forwarded(adder(p), counter(p), adder(b), counter(b));
  }

  /** A gauge of this instance named {@code name}, read from {@code value} when scraped. */
  public void gauge(String name, String description, java.util.function.IntSupplier value) {
    Gauge.builder(name, value, v -> v.getAsInt())
        .strongReference(true)
        .tag("instance", instance)
        .description(description)
        .register(registry);
  }

  /** A packet dropped for {@code reason}. */
  public void dropped(String reason) {
    add("trellis_relay_drops_total", "reason", reason, 1);
  }

  /** A connection refused or closed for {@code reason}. */
  public void refused(String reason) {
    add("trellis_relay_refused_total", "reason", reason, 1);
  }

  /** A control frame ({@code peer_present}, ...) sent to a device. */
  public void control(String type) {
    add("trellis_relay_control_frames_total", "type", type, 1);
  }

  /** Control frames of {@code type} sent so far. */
  public long controls(String type) {
    return read("trellis_relay_control_frames_total", "type", type);
  }

  /** Packets dropped for {@code reason} so far. */
  public long drops(String reason) {
    return read("trellis_relay_drops_total", "reason", reason);
  }

  /** Connections refused for {@code reason} so far. */
  public long refusals(String reason) {
    return read("trellis_relay_refused_total", "reason", reason);
  }

  /** Packets forwarded on {@code path} so far. */
  public long packets(String path) {
    return read("trellis_relay_packets_total", "path", path);
  }

  /** Bytes forwarded on {@code path} so far. */
  public long bytes(String path) {
    return read("trellis_relay_bytes_total", "path", path);
  }

  private void add(String name, String tag, String value, long n) {
    String id = id(name, tag, value);
    adder(id).add(n);
    counter(id).increment(n);
  }

  private static String id(String name, String tag, String value) {
    return name + "|" + tag + "|" + value;
  }

  private LongAdder adder(String id) {
    return values.computeIfAbsent(id, k -> new LongAdder());
  }

  private Counter counter(String id) {
    return counters.computeIfAbsent(
        id,
        k -> {
          String[] p = k.split("\\|", 3);
          return Counter.builder(p[0]).tag(p[1], p[2]).tag("instance", instance).register(registry);
        });
  }

  private long read(String name, String tag, String value) {
    LongAdder a = values.get(id(name, tag, value));
    return a == null ? 0 : a.sum();
  }
}
