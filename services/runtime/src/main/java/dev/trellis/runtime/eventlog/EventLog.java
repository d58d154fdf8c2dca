package dev.trellis.runtime.eventlog;

import dev.trellis.proto.event.v1.EventEnvelope;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of one service instance: appends {@link EventEnvelope}s to Kafka topics and
 * consumes them (consumer groups, replays, follows). One per process or service instance.
 *
 * <p>Built on the plain Apache Kafka Java clients, not vertx-kafka-client: with kafka-clients 4.x
 * some vertx-kafka-client calls never complete or throw {@code NoSuchMethodError} (seen with
 * 5.0.7), and the plain clients are the tested reference. Blocking client calls never run on an
 * event loop: appends go through one producer thread (order of {@code append} calls is kept), each
 * consumer runs on its own thread ({@link EventHandler} documents what that means for handlers),
 * and admin calls are asynchronous. Results are Vert.x futures completed on the caller's context.
 *
 * <p>Semantics: the producer is idempotent with {@code acks=all} and lz4 compression; the record
 * key is the tailnet id, so one tailnet's events stay in order in one partition. Consumers are at
 * least once (offsets committed after the handler's future succeeds); records that are not
 * envelopes are logged and skipped. Idempotency by event id is the consumer's job: {@link
 * DeduplicatingHandler} for plain subscribers, the projection runner for projections.
 *
 * <p>Thread-safe.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

  /**
   * One line per appended event, with its tailnet, aggregate (node, user, key...), type, actor and
   * correlation ids as structured fields: the operator's trail of every state change. Quiet it with
   * the logger {@code trellis.events}.
   */
  private static final Logger EVENTS = LoggerFactory.getLogger("trellis.events");

  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final EventLogOptions options;
  private final Admin admin;
  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService sender;
  private final Set<ConsumerLoop> loops = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile MeterRegistry registry;
  private volatile KafkaClientMetrics producerMetrics;

  private EventLog(Vertx vertx, EventLogOptions options, Admin admin) {
    this.vertx = vertx;
    this.options = options;
    this.admin = admin;
    this.producer = new KafkaProducer<>(ClientConfigs.producer(options));
    this.sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "trellis-eventlog-producer-" + options.clientId());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Connects to Kafka, retrying with backoff while it is unreachable (one log line per attempt),
   * and fails only when {@code options.connectDeadline()} has passed.
   */
  public static Future<EventLog> connect(Vertx vertx, EventLogOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    Context ctx = vertx.getOrCreateContext();
    Promise<EventLog> promise = Promise.promise();
    Admin admin = Admin.create(ClientConfigs.admin(options));
    long deadline = System.nanoTime() + options.connectDeadline().toNanos();
    attempt(vertx, ctx, options, admin, deadline, 1, FIRST_RETRY, promise);
    return promise.future();
  }

  private static void attempt(
      Vertx vertx,
      Context ctx,
      EventLogOptions options,
      Admin admin,
      long deadline,
      int n,
      Duration backoff,
      Promise<EventLog> promise) {
    long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    int timeout = (int) Math.min(remainingMs, 5_000);
    admin
        .describeCluster(new DescribeClusterOptions().timeoutMs(timeout))
        .clusterId()
        .whenComplete(
            (clusterId, err) ->
                ctx.runOnContext(
                    v -> {
                      if (err == null) {
                        LOG.info(
                            "Connected to Kafka at {} (cluster {})",
                            options.bootstrapServers(),
                            clusterId);
                        vertx
                            .<EventLog>executeBlocking(() -> new EventLog(vertx, options, admin))
                            .onComplete(promise);
                        return;
                      }
                      long left = (deadline - System.nanoTime()) / 1_000_000;
                      if (left <= 0) {
                        String msg =
                            "Kafka at "
                                + options.bootstrapServers()
                                + " unreachable after "
                                + n
                                + " attempts within "
                                + options.connectDeadline()
                                + ": "
                                + rootMessage(err);
                        LOG.error(msg);
                        vertx.executeBlocking(
                            () -> {
                              admin.close(Duration.ZERO);
                              return null;
                            });
                        promise.fail(new IllegalStateException(msg, err));
                        return;
                      }
                      long wait = Math.min(backoff.toMillis(), left);
                      LOG.warn(
                          "Kafka at {} unreachable ({}), retrying in {}s (attempt {})",
                          options.bootstrapServers(),
                          rootMessage(err),
                          String.format("%.1f", wait / 1000.0),
                          n);
                      Duration next = backoff.multipliedBy(2);
                      Duration capped = next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next;
                      vertx.setTimer(
                          wait,
                          id ->
                              attempt(
                                  vertx, ctx, options, admin, deadline, n + 1, capped, promise));
                    }));
  }

  private static String rootMessage(Throwable t) {
    Throwable x = t;
    while (x.getCause() != null && x.getCause() != x) {
      x = x.getCause();
    }
    return x.getClass().getSimpleName() + ": " + x.getMessage();
  }

  /** The options this log was connected with. */
  public EventLogOptions options() {
    return options;
  }

  /**
   * Creates the topics that do not exist yet, with the options' partitions and replication factor,
   * and completes once every partition of every topic has a leader that serves requests. Topics
   * that exist (or are created concurrently by another instance) are left as they are.
   *
   * <p>Waiting for the leaders matters: an idempotent producer that sends to a partition whose
   * leader is not ready yet can have its first batch rejected while later batches are accepted, and
   * then retries that batch with an out-of-order sequence number until it times out (seen here).
   */
  public Future<Void> ensureTopics(List<String> topics) {
    Context ctx = vertx.getOrCreateContext();
    List<NewTopic> wanted = new ArrayList<>();
    for (String t : topics) {
      // The log is the system of record and the audit trail: events are kept forever.
      wanted.add(
          new NewTopic(t, options.partitions(), options.replicationFactor())
              .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")));
    }
    CompletableFuture<Void> cf = new CompletableFuture<>();
    admin
        .listTopics()
        .names()
        .whenComplete(
            (existing, err) -> {
              if (err != null) {
                cf.completeExceptionally(err);
                return;
              }
              List<NewTopic> missing =
                  wanted.stream().filter(nt -> !existing.contains(nt.name())).toList();
              if (missing.isEmpty()) {
                cf.complete(null);
                return;
              }
              List<KafkaFuture<Void>> creations = new ArrayList<>();
              admin.createTopics(missing).values().values().forEach(creations::add);
              KafkaFuture.allOf(creations.toArray(KafkaFuture[]::new))
                  .whenComplete(
                      (v, e) -> {
                        if (e == null || rootIs(e, TopicExistsException.class)) {
                          cf.complete(null);
                        } else {
                          cf.completeExceptionally(e);
                        }
                      });
            });
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    return Future.fromCompletionStage(cf, ctx).compose(v -> awaitLeaders(topics, deadline));
  }

  /** Retries {@link #endOffsets} (which needs every partition's leader) until it succeeds. */
  private Future<Void> awaitLeaders(List<String> topics, long deadline) {
    return endOffsets(topics)
        .<Void>mapEmpty()
        .recover(
            err -> {
              if (System.nanoTime() > deadline) {
                return Future.failedFuture(
                    new IllegalStateException("topics " + topics + " have no leaders yet", err));
              }
              return vertx.timer(50).compose(x -> awaitLeaders(topics, deadline));
            });
  }

  private static boolean rootIs(Throwable t, Class<? extends Throwable> type) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (type.isInstance(x)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Appends {@code event} to {@code topic}, keyed by its tailnet id. Completes when every in-sync
   * replica has it.
   */
  public Future<Appended> append(String topic, EventEnvelope event) {
    Context ctx = vertx.getOrCreateContext();
    Objects.requireNonNull(topic, "topic");
    if (event.getEventId().isEmpty() || event.getTailnetId().isEmpty()) {
      return Future.failedFuture(
          new IllegalArgumentException("event needs an event_id and a tailnet_id: " + event));
    }
    if (closed.get()) {
      return Future.failedFuture(new IllegalStateException("event log is closed"));
    }
    CompletableFuture<Appended> cf = new CompletableFuture<>();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, event.getTailnetId(), event.toByteArray());
    try {
      sender.execute(
          () -> {
            try {
              producer.send(
                  record,
                  (md, err) -> {
                    if (err != null) {
                      cf.completeExceptionally(err);
                    } else {
                      cf.complete(new Appended(md.topic(), md.partition(), md.offset()));
                      logAppended(event, md.topic(), md.offset());
                    }
                  });
            } catch (RuntimeException e) {
              cf.completeExceptionally(e);
            }
          });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Future.fromCompletionStage(cf, ctx);
  }

  private static void logAppended(EventEnvelope e, String topic, long offset) {
    if (!EVENTS.isInfoEnabled()) {
      return;
    }
    String type = e.getType().substring(e.getType().lastIndexOf('.') + 1);
    EVENTS
        .atInfo()
        .addKeyValue("tailnet_id", e.getTailnetId())
        .addKeyValue("aggregate_id", e.getAggregateId())
        .addKeyValue("event_type", type)
        .addKeyValue("actor", e.getActor().getId())
        .addKeyValue("correlation_id", e.getCorrelationId())
        .addKeyValue("offset", topic + "@" + offset)
        .log("{} {}", type, e.getSubject()); // the subject never carries secrets
  }

  /**
   * Consumes {@code topics} in consumer group {@code groupId}: instances sharing a group share the
   * partitions; each event is handled at least once, offsets are committed after the handler's
   * future succeeds. A new group starts at the beginning.
   */
  public Subscription subscribe(String groupId, List<String> topics, EventHandler handler) {
    return subscribe(groupId, topics, handler, null);
  }

  /**
   * Like {@link #subscribe(String, List, EventHandler)}, but where to start reading newly assigned
   * partitions is asked of {@code positions} (may be null).
   */
  public Subscription subscribe(
      String groupId, List<String> topics, EventHandler handler, StartPositions positions) {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(handler, "handler");
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("no topics to subscribe to");
    }
    var source = new ConsumerLoop.Source.Group(groupId, List.copyOf(topics), positions);
    return start(groupId, ClientConfigs.consumer(options, groupId, "-" + groupId), source, handler);
  }

  /**
   * Reads {@code topic} from {@code start} up to the end offsets captured when the replay starts,
   * handing every event to {@code handler}; completes when all are handled, fails on the first
   * handler failure. Uses no consumer group and commits nothing.
   */
  public Future<ReplayResult> replay(String topic, ReplayStart start, EventHandler handler) {
    var source = new ConsumerLoop.Source.Topic(topic, start, true);
    return start(
            "replay-" + topic, ClientConfigs.consumer(options, null, "-replay"), source, handler)
        .result();
  }

  /** Like {@link #replay} but keeps following events appended later, until stopped. */
  public Subscription follow(String topic, ReplayStart start, EventHandler handler) {
    var source = new ConsumerLoop.Source.Topic(topic, start, false);
    return start(
        "follow-" + topic, ClientConfigs.consumer(options, null, "-follow"), source, handler);
  }

  private ConsumerLoop start(
      String name, Map<String, Object> config, ConsumerLoop.Source source, EventHandler handler) {
    if (closed.get()) {
      throw new IllegalStateException("event log is closed");
    }
    ConsumerLoop loop = new ConsumerLoop(name, config, source, handler, vertx.getOrCreateContext());
    loops.add(loop);
    Gauge lag = lagGauge(loop, registry);
    loop.terminated()
        .onComplete(
            r -> {
              loops.remove(loop);
              MeterRegistry m = registry;
              if (lag != null && m != null) {
                m.remove(lag);
              }
            });
    return loop.begin();
  }

  /**
   * Reports every consumer's lag (events appended but not yet handled) as the gauge {@code
   * trellis_eventlog_consumer_lag{consumer=...}} in {@code metrics}, for the loops running now and
   * those started later.
   */
  public void bindMetrics(MeterRegistry metrics) {
    registry = Objects.requireNonNull(metrics, "metrics");
    loops.forEach(l -> lagGauge(l, metrics));
    // The producer's own figures (kafka_producer_record_send_total, _outgoing_byte_total, ...):
    // the Kafka load this process adds.
    KafkaClientMetrics bound = new KafkaClientMetrics(producer);
    bound.bindTo(metrics);
    producerMetrics = bound;
  }

  private static Gauge lagGauge(ConsumerLoop loop, MeterRegistry metrics) {
    if (metrics == null) {
      return null;
    }
    return Gauge.builder("trellis.eventlog.consumer.lag", loop, ConsumerLoop::lag)
        .description("Events appended to the log but not yet handled by this consumer")
        .tag("consumer", loop.name())
        .strongReference(true)
        .register(metrics);
  }

  /**
   * The current end offset (the offset the next appended event will get) of every partition of
   * {@code topics}; fails if a topic does not exist.
   */
  public Future<Map<TopicPartition, Long>> endOffsets(List<String> topics) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<Map<TopicPartition, Long>> cf = new CompletableFuture<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .whenComplete(
            (descriptions, err) -> {
              if (err != null) {
                cf.completeExceptionally(err);
                return;
              }
              Map<TopicPartition, OffsetSpec> query = new HashMap<>();
              boolean leaderless =
                  descriptions.values().stream()
                      .flatMap(d -> d.partitions().stream())
                      .anyMatch(p -> p.leader() == null || p.leader().isEmpty());
              if (leaderless) {
                cf.completeExceptionally(
                    new IllegalStateException("a partition of " + topics + " has no leader"));
                return;
              }
              descriptions.forEach(
                  (name, d) ->
                      d.partitions()
                          .forEach(
                              p ->
                                  query.put(
                                      new TopicPartition(name, p.partition()),
                                      OffsetSpec.latest())));
              admin
                  .listOffsets(query)
                  .all()
                  .whenComplete(
                      (offsets, e) -> {
                        if (e != null) {
                          cf.completeExceptionally(e);
                        } else {
                          Map<TopicPartition, Long> ends = new HashMap<>();
                          offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
                          cf.complete(ends);
                        }
                      });
            });
    return Future.fromCompletionStage(cf, ctx);
  }

  /** Closes without blocking the caller: runs {@link #close()} on a worker thread. */
  public Future<Void> shutdown() {
    return vertx.executeBlocking(
        () -> {
          close();
          return null;
        });
  }

  /**
   * Stops every consumer (waiting up to 10 s each), flushes and closes the producer. Blocks: do not
   * call on an event loop (use {@link #shutdown()}).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ConsumerLoop loop : List.copyOf(loops)) {
      try {
        loop.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Consumer did not stop in time: {}", e.toString());
      }
    }
    sender.shutdown();
    try {
      sender.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaClientMetrics m = producerMetrics;
    if (m != null) {
      m.close();
    }
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(5));
  }
}
