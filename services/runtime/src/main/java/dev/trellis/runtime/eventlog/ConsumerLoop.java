package dev.trellis.runtime.eventlog;

import dev.trellis.proto.event.v1.EventEnvelope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one plain Kafka consumer on its own thread and feeds the records to an {@link EventHandler},
 * one at a time, waiting for each handler future: a group subscription (commits after handling), a
 * bounded replay (stops at the end offsets captured at start) or an unbounded follow.
 *
 * <p>Records that are not envelopes, and events whose handler fails with {@link
 * UnreadableEventException}, are logged with topic and offset and skipped. Any other handler
 * failure rewinds the partition to the failed record and retries after a growing pause (at least
 * once); in a bounded replay it fails the replay.
 *
 * <p>Thread-safety: the consumer and all mutable state are confined to the loop thread; {@link
 * #stop()} only sets a flag, counts down a latch and calls the thread-safe {@code wakeup()}.
 */
final class ConsumerLoop implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long HANDLER_TIMEOUT_SECONDS = 60;
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** What a loop reads. */
  sealed interface Source {
    /** A consumer group over topics; {@code positions} may be null. */
    record Group(String groupId, List<String> topics, StartPositions positions) implements Source {}

    /** All partitions of one topic from {@code start}, to the current end if {@code bounded}. */
    record Topic(String topic, ReplayStart start, boolean bounded) implements Source {}
  }

  private final String name;
  private final Map<String, Object> config;
  private final Source source;
  private final EventHandler handler;
  private final Context context;
  private final CompletableFuture<ReplayResult> done = new CompletableFuture<>();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean stopping;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile long lag;

  // Confined to the loop thread.
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private Map<TopicPartition, Long> ends = Map.of();
  private long handled;
  private long skipped;
  private long lagNoted; // System.nanoTime of the last lag reading
  private Throwable lastFailure;

  ConsumerLoop(
      String name, Map<String, Object> config, Source source, EventHandler handler, Context ctx) {
    this.name = name;
    this.config = config;
    this.source = source;
    this.handler = handler;
    this.context = ctx;
    this.thread = new Thread(this::run, "trellis-eventlog-" + name);
    this.thread.setDaemon(true);
  }

  /** The loop's name (its consumer group, or {@code replay-/follow-<topic>}). */
  String name() {
    return name;
  }

  /**
   * Events appended but not yet handled, summed over the partitions this loop reads, as of its last
   * poll (refreshed about once a second; 0 before the first fetch).
   */
  long lag() {
    return lag;
  }

  ConsumerLoop begin() {
    thread.start();
    return this;
  }

  /** Completes with the counts when a bounded replay reached its end offsets. */
  Future<ReplayResult> result() {
    return Future.fromCompletionStage(done, context);
  }

  @Override
  public Future<Void> terminated() {
    return Future.fromCompletionStage(done.thenApply(r -> (Void) null), context);
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    stopSignal.countDown();
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    return Future.fromCompletionStage(done.handle((r, e) -> (Void) null), context);
  }

  private void run() {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
      consumer = c;
      try {
        if (!stopping) {
          open(c);
          loop(c);
        }
      } catch (WakeupException e) {
        if (!stopping) {
          throw e;
        }
      }
      commitPending(c);
      done.complete(new ReplayResult(handled, skipped, toPartitionMap(ends)));
    } catch (Throwable t) {
      if (!done.isDone()) {
        LOG.error("Event log consumer {} stopped: {}", name, t.toString(), t);
      }
      done.completeExceptionally(t);
    }
  }

  private void open(KafkaConsumer<String, byte[]> c) {
    switch (source) {
      case Source.Group g -> c.subscribe(g.topics(), new Rebalance(c, g.positions()));
      case Source.Topic t -> {
        List<PartitionInfo> infos = c.partitionsFor(t.topic());
        if (infos == null || infos.isEmpty()) {
          throw new IllegalArgumentException("topic " + t.topic() + " does not exist");
        }
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        c.assign(tps);
        Map<TopicPartition, Long> endNow = c.endOffsets(tps);
        seekStart(c, tps, t.start(), endNow);
        if (t.bounded()) {
          ends = endNow;
        }
      }
    }
  }

  private static void seekStart(
      KafkaConsumer<String, byte[]> c,
      List<TopicPartition> tps,
      ReplayStart start,
      Map<TopicPartition, Long> endNow) {
    switch (start) {
      case ReplayStart.Beginning b -> c.seekToBeginning(tps);
      case ReplayStart.AtOffset a -> {
        for (Integer p : a.offsets().keySet()) {
          if (tps.stream().noneMatch(tp -> tp.partition() == p)) {
            throw new IllegalArgumentException(
                "topic " + tps.getFirst().topic() + " has no partition " + p);
          }
        }
        for (TopicPartition tp : tps) {
          Long offset = a.offsets().get(tp.partition());
          if (offset == null) {
            c.seekToBeginning(List.of(tp));
          } else {
            c.seek(tp, Math.min(offset, endNow.get(tp)));
          }
        }
      }
      case ReplayStart.AtTime at -> {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, at.time().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query);
        for (TopicPartition tp : tps) {
          OffsetAndTimestamp ot = found.get(tp);
          c.seek(tp, ot == null ? endNow.get(tp) : ot.offset());
        }
      }
    }
  }

  private void loop(KafkaConsumer<String, byte[]> c) throws InterruptedException {
    long backoff = FIRST_BACKOFF_MS;
    boolean bounded = source instanceof Source.Topic t && t.bounded();
    while (!stopping) {
      if (bounded && reachedEnd(c)) {
        return;
      }
      ConsumerRecords<String, byte[]> records;
      try {
        records = c.poll(POLL);
      } catch (RecordDeserializationException e) {
        LOG.warn(
            "Skipping undecodable record {}@{}: {}", e.topicPartition(), e.offset(), e.toString());
        skipped++;
        c.seek(e.topicPartition(), e.offset() + 1);
        continue;
      }
      boolean failed = deliverAll(c, records);
      commitPending(c);
      noteLag(c);
      if (failed) {
        if (bounded) {
          throw new KafkaException("replay handler failed: " + lastFailure, lastFailure);
        }
        stopSignal.await(backoff, TimeUnit.MILLISECONDS);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } else {
        backoff = FIRST_BACKOFF_MS;
      }
    }
  }

  private void noteLag(KafkaConsumer<String, byte[]> c) {
    long now = System.nanoTime();
    if (now - lagNoted < 1_000_000_000L) {
      return;
    }
    lagNoted = now;
    long sum = 0;
    for (TopicPartition tp : c.assignment()) {
      OptionalLong l = c.currentLag(tp); // from the last fetch: no request to the broker
      if (l.isPresent()) {
        sum += l.getAsLong();
      }
    }
    lag = sum;
  }

  /** Delivers a batch; returns true if a handler failed (that partition is rewound). */
  private boolean deliverAll(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> rs) {
    boolean failed = false;
    for (TopicPartition tp : rs.partitions()) {
      for (ConsumerRecord<String, byte[]> r : rs.records(tp)) {
        if (stopping) {
          return failed;
        }
        if (!deliver(r)) {
          c.seek(tp, r.offset());
          failed = true;
          break;
        }
        if (source instanceof Source.Group) {
          pending.put(tp, new OffsetAndMetadata(r.offset() + 1));
        }
      }
    }
    return failed;
  }

  private boolean deliver(ConsumerRecord<String, byte[]> r) {
    EventEnvelope envelope;
    try {
      envelope = EnvelopeDecoder.decode(r.value());
    } catch (UnreadableEventException e) {
      return skip(r, e.getMessage());
    }
    LoggedEvent event = new LoggedEvent(r.topic(), r.partition(), r.offset(), envelope);
    try {
      await(handler.handle(event));
      handled++;
      return true;
    } catch (Throwable t) {
      Throwable unreadable = findUnreadable(t);
      if (unreadable != null) {
        return skip(r, "event " + envelope.getEventId() + ": " + unreadable.getMessage());
      }
      lastFailure = t;
      LOG.warn(
          "Handler of {} failed on {}-{}@{} (event {}), will retry: {}",
          name,
          r.topic(),
          r.partition(),
          r.offset(),
          envelope.getEventId(),
          t.toString());
      return false;
    }
  }

  private boolean skip(ConsumerRecord<String, byte[]> r, String reason) {
    LOG.warn(
        "Skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
    skipped++;
    try {
      await(handler.skipped(r.topic(), r.partition(), r.offset(), reason));
      return true;
    } catch (Throwable t) {
      lastFailure = t;
      LOG.warn("Handler of {} failed on skipped record: {}", name, t.toString());
      return false;
    }
  }

  private static void await(Future<Void> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (f == null) {
      throw new IllegalStateException("handler returned null instead of a future");
    }
    f.toCompletionStage().toCompletableFuture().get(HANDLER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable findUnreadable(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof UnreadableEventException) {
        return x;
      }
    }
    return null;
  }

  private boolean reachedEnd(KafkaConsumer<String, byte[]> c) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void commitPending(KafkaConsumer<String, byte[]> c) {
    if (pending.isEmpty()) {
      return;
    }
    try {
      c.commitSync(pending);
    } catch (WakeupException e) {
      c.commitSync(pending); // the wakeup was meant for poll; commit what is handled
    } catch (KafkaException e) {
      LOG.warn("Commit of {} failed (events may be redelivered): {}", name, e.toString());
    }
    pending.clear();
  }

  private static Map<Integer, Long> toPartitionMap(Map<TopicPartition, Long> byTp) {
    Map<Integer, Long> m = new HashMap<>();
    byTp.forEach((tp, o) -> m.put(tp.partition(), o));
    return m;
  }

  /** Commits before losing partitions; seeks assigned partitions to positions kept elsewhere. */
  private final class Rebalance implements ConsumerRebalanceListener {
    private final KafkaConsumer<String, byte[]> c;
    private final StartPositions positions;

    Rebalance(KafkaConsumer<String, byte[]> c, StartPositions positions) {
      this.c = c;
      this.positions = positions;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commitPending(c);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      pending.keySet().removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (positions == null || partitions.isEmpty()) {
        return;
      }
      positions.onAssigned(Set.copyOf(partitions)).forEach(c::seek);
    }
  }
}
