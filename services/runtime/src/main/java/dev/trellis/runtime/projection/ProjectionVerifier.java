package dev.trellis.runtime.projection;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.runtime.eventlog.EventHandler;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.ReplayResult;
import dev.trellis.runtime.eventlog.ReplayStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks that projections' live maps equal a rebuild: waits until the live maps have caught up,
 * replays every topic of each projection from the beginning (up to the end offsets at replay start)
 * into fresh maps under {@code verify-<random>.}, compares map by map and key by key, names every
 * difference, then destroys the fresh maps. Meaningful when no events are being appended meanwhile.
 *
 * <p>Thread-safety: thread-safe; each {@code verify} call uses its own namespace.
 */
public final class ProjectionVerifier {
  private static final int SUMMARY_CHARS = 60;

  private final Vertx vertx;
  private final EventLog log;
  private final HazelcastInstance hazelcast;

  public ProjectionVerifier(Vertx vertx, EventLog log, HazelcastInstance hazelcast) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.log = Objects.requireNonNull(log, "log");
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
  }

  /** Verifies {@code projections} against their live maps. */
  public Future<VerifyReport> verify(List<Projection> projections) {
    Map<Projection, Applier> live = new LinkedHashMap<>();
    projections.forEach(p -> live.put(p, new Applier(hazelcast, "", p, Duration.ZERO)));
    String namespace = "verify-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    AtomicLong replayed = new AtomicLong();
    Future<Void> chain = CatchUp.await(vertx, log, live, Duration.ofSeconds(60));
    for (Projection p : projections) {
      Applier rebuild = new Applier(hazelcast, namespace, p, Duration.ZERO);
      for (String topic : p.topics()) {
        chain =
            chain
                .compose(v -> log.replay(topic, ReplayStart.beginning(), handler(rebuild)))
                .map(
                    (ReplayResult r) -> {
                      replayed.addAndGet(r.handled());
                      return null;
                    });
      }
    }
    return chain
        .compose(
            v ->
                vertx.executeBlocking(() -> compare(projections, namespace, replayed.get()), false))
        .transform(
            outcome ->
                vertx
                    .executeBlocking(() -> destroy(namespace), false)
                    .transform(
                        cleaned ->
                            outcome.succeeded()
                                ? Future.succeededFuture(outcome.result())
                                : Future.<VerifyReport>failedFuture(outcome.cause())));
  }

  private static EventHandler handler(Applier applier) {
    return new EventHandler() {
      @Override
      public Future<Void> handle(LoggedEvent event) {
        applier.apply(event);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> skipped(String topic, int partition, long offset, String reason) {
        applier.skip(topic, partition, offset);
        return Future.succeededFuture();
      }
    };
  }

  private VerifyReport compare(List<Projection> projections, String namespace, long replayed) {
    List<Difference> differences = new ArrayList<>();
    int maps = 0;
    long entries = 0;
    for (Projection p : projections) {
      ProjectionMaps liveMaps = ProjectionMaps.live(hazelcast, p.name());
      ProjectionMaps rebuiltMaps = new ProjectionMaps(hazelcast, namespace, p.name());
      Set<String> names = new TreeSet<>(mapsUnder(liveMaps.prefix()));
      names.addAll(mapsUnder(rebuiltMaps.prefix()));
      for (String name : names) {
        maps++;
        IMap<Object, Object> live = liveMaps.map(name);
        IMap<Object, Object> rebuilt = rebuiltMaps.map(name);
        Map<Object, Object> liveCopy = new LinkedHashMap<>(live);
        Map<Object, Object> rebuiltCopy = new LinkedHashMap<>(rebuilt);
        Set<Object> keys = new HashSet<>(liveCopy.keySet());
        keys.addAll(rebuiltCopy.keySet());
        List<Object> sorted = new ArrayList<>(keys);
        sorted.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        for (Object key : sorted) {
          entries++;
          Object l = liveCopy.get(key);
          Object r = rebuiltCopy.get(key);
          if (!Objects.deepEquals(l, r)) {
            differences.add(
                new Difference(p.name(), name, String.valueOf(key), summary(l), summary(r)));
          }
        }
      }
    }
    return new VerifyReport(replayed, maps, entries, differences);
  }

  /** Short names of the maps whose full names start with {@code prefix}. */
  private Set<String> mapsUnder(String prefix) {
    Set<String> names = new TreeSet<>();
    for (DistributedObject o : hazelcast.getDistributedObjects()) {
      if (o instanceof IMap<?, ?> && o.getName().startsWith(prefix)) {
        String rest = o.getName().substring(prefix.length());
        if (ProjectionMaps.NAME.matcher(rest).matches()) {
          names.add(rest);
        }
      }
    }
    return names;
  }

  private Void destroy(String namespace) {
    for (DistributedObject o : hazelcast.getDistributedObjects()) {
      if (o.getName().startsWith(namespace)) {
        o.destroy();
      }
    }
    return null;
  }

  static String summary(Object value) {
    if (value == null) {
      return "absent";
    }
    if (value instanceof byte[] b) {
      return b.length + " bytes sha256:" + sha256Prefix(b);
    }
    String s = String.valueOf(value);
    return s.length() <= SUMMARY_CHARS ? s : s.substring(0, SUMMARY_CHARS) + "…";
  }

  private static String sha256Prefix(byte[] b) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
