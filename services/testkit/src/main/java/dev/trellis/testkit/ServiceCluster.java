package dev.trellis.testkit;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.service.Infrastructure;
import dev.trellis.runtime.service.ServiceHost;
import dev.trellis.runtime.service.TrellisService;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.testkit.port.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Instances of one service sharing state as in production, for the services' tests: one real Kafka
 * broker in KRaft mode, one real Hazelcast member per instance (all in one cluster on loopback),
 * and per instance its own Vert.x, event log, metrics and {@link ServiceHost} with its own HTTP
 * port. Every Vert.x runs with the tests' event-loop limit ({@link BlockedEventLoops}): a task that
 * holds an event loop longer fails the test ({@link #assertNoBlockedEventLoop()}, called by {@link
 * ClusterExtension} after each test and by {@link #close()}).
 *
 * <p>Built with {@link #builder}: how many instances, which services each runs, and how many spare
 * Hazelcast member ports to list so that instances a test starts later ({@link #startInstance})
 * join the same cluster.
 *
 * <p>Thread-safety: start, stop and close from one thread (the test's); the accessors and the
 * event-log helpers may be used from any thread.
 */
public final class ServiceCluster implements AutoCloseable {
  /** Builds the services one instance runs; called once per instance with its name. */
  @FunctionalInterface
  public interface ServiceFactory {
    List<TrellisService> create(String instance) throws Exception;
  }

  /** One running instance of the service. */
  public record Instance(
      String name,
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      PrometheusMetrics metrics,
      ServiceHost host,
      List<TrellisService> services,
      Api anonymous) {
    /** The service of type {@code type} this instance runs. */
    public <T extends TrellisService> T service(Class<T> type) {
      for (TrellisService s : services) {
        if (type.isInstance(s)) {
          return type.cast(s);
        }
      }
      throw new IllegalArgumentException(name + " runs no " + type.getSimpleName());
    }

    /** This instance's HTTP API as {@code token} ({@code null}: anonymous). */
    public Api api(String token) {
      return anonymous.as(token);
    }
  }

  private final String name;
  private final Path dir;
  private final EmbeddedKafka kafka;
  private final String bootstrap;
  private final String hazelcastCluster;
  private final List<Integer> memberPorts;
  private final List<String> flags;
  private final ServiceFactory factory;
  private final BlockedEventLoops loops = new BlockedEventLoops();
  private final List<Instance> instances = new CopyOnWriteArrayList<>();

  private ServiceCluster(Builder b) throws Exception {
    this.name = b.name;
    this.factory = b.factory;
    this.dir = Files.createTempDirectory(name + "-test");
    this.hazelcastCluster = name + "-" + UUID.randomUUID();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < b.instances + b.spareMembers; i++) {
      ports.add(FreePorts.tcp());
    }
    this.memberPorts = List.copyOf(ports);
    this.flags = b.flags;
    this.kafka =
        new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("kafka"))));
    try {
      this.bootstrap = kafka.start();
      for (int i = 0; i < b.instances; i++) {
        String instance = String.valueOf((char) ('a' + i));
        startInstance(instance, i, factory.create(instance));
      }
    } catch (Exception | Error e) {
      close(false);
      throw e;
    }
  }

  /** A builder for a cluster of {@code service} (a short name: directories, client ids). */
  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** What a {@link ServiceCluster} runs. */
  public static final class Builder {
    private final String name;
    private int instances = 2;
    private int spareMembers;
    private List<String> flags = List.of();
    private ServiceFactory factory;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** How many instances start with the cluster (default 2). */
    public Builder instances(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("instances must be at least 1, got " + n);
      }
      this.instances = n;
      return this;
    }

    /** Extra member ports listed for instances started later with {@link #startInstance}. */
    public Builder spareMembers(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("spareMembers must not be negative, got " + n);
      }
      this.spareMembers = n;
      return this;
    }

    /** Settings flags every instance starts with besides the harness's (e.g. short deadlines). */
    public Builder flags(String... flags) {
      this.flags = List.of(flags);
      return this;
    }

    /** The services each instance runs. */
    public Builder services(ServiceFactory f) {
      this.factory = Objects.requireNonNull(f, "factory");
      return this;
    }

    /** Starts the broker and the instances; blocks until every instance serves. */
    public ServiceCluster start() throws Exception {
      if (factory == null) {
        throw new IllegalStateException("no services: call services(...) before start()");
      }
      return new ServiceCluster(this);
    }
  }

  /**
   * Starts one more instance called {@code instance} on member port number {@code memberSlot} (the
   * first instances take 0 to n-1, spare ones follow) running {@code services}.
   */
  public Instance startInstance(String instance, int memberSlot, List<TrellisService> services)
      throws Exception {
    Path state = Files.createDirectories(dir.resolve("state-" + instance));
    List<String> members = new ArrayList<>();
    for (int p : memberPorts) {
      members.add("127.0.0.1:" + p);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--http-host",
                "127.0.0.1",
                "--http-port",
                "0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--state-dir",
                state.toString(),
                "--hazelcast-port",
                String.valueOf(memberPorts.get(memberSlot)),
                "--hazelcast-interface",
                "127.0.0.1",
                "--hazelcast-members",
                String.join(",", members),
                "--hazelcast-cluster",
                hazelcastCluster));
    args.addAll(flags);
    Settings settings = Settings.parse(args.toArray(String[]::new), Map.of());
    String id = name + "-" + instance;
    List<AutoCloseable> parts = new ArrayList<>(); // closed in reverse if the start fails
    try {
      HazelcastInstance hz = EmbeddedMember.start(settings);
      parts.add(hz::shutdown);
      PrometheusMetrics metrics = PrometheusMetrics.create(id);
      parts.add(metrics);
      loops.starting(id);
      Vertx vertx = loops.vertx(id, metrics);
      parts.add(() -> vertx.close().await());
      EventLog log =
          EventLog.connect(
                  vertx,
                  EventLogOptions.of(bootstrap, id)
                      .withPartitions(2)
                      .withConnectDeadline(Duration.ofSeconds(30)))
              .await();
      parts.add(log::close);
      log.ensureTopics(Topics.all()).await();
      ServiceHost host =
          ServiceHost.start(new Infrastructure(vertx, settings, hz, log, metrics), services)
              .await();
      loops.started(id);
      Instance started =
          new Instance(
              instance,
              vertx,
              hz,
              log,
              metrics,
              host,
              List.copyOf(services),
              new Api("http://127.0.0.1:" + host.httpPort(), null));
      instances.add(started);
      return started;
    } catch (Exception | Error e) {
      for (AutoCloseable part : parts.reversed()) {
        try {
          part.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Stops one instance gracefully (host, event log, Vert.x, Hazelcast member, metrics). */
  public void stopInstance(Instance n) {
    if (!instances.remove(n)) {
      return;
    }
    n.host().stop().await();
    n.log().close();
    n.vertx().close().await();
    n.hazelcast().shutdown();
    n.metrics().close();
  }

  /**
   * Closes what is left of an instance whose Hazelcast member a test has terminated (a crash):
   * Vert.x, the event log and the metrics, without stopping its services gracefully.
   */
  public void closeCrashed(Instance n) {
    if (!instances.remove(n)) {
      return;
    }
    n.vertx().close().await();
    n.log().close();
    n.metrics().close();
  }

  /** The running instances, in start order. */
  public List<Instance> instances() {
    return List.copyOf(instances);
  }

  /** Running instance {@code i}. */
  public Instance instance(int i) {
    return instances.get(i);
  }

  /** The first instance's Hazelcast member (the cluster's shared state). */
  public HazelcastInstance hazelcast() {
    return instances.getFirst().hazelcast();
  }

  /** The cluster's working directory (broker data, each instance's state directory). */
  public Path dir() {
    return dir;
  }

  /** The state directory of instance {@code instance}. */
  public Path stateDir(String instance) {
    return dir.resolve("state-" + instance);
  }

  /** The broker's bootstrap address. */
  public String kafkaBootstrap() {
    return bootstrap;
  }

  /** Instance {@code i}'s API with {@code token}. */
  public Api api(int i, String token) {
    return instance(i).api(token);
  }

  /** Instance {@code i}'s API as service {@code caller} (a service credential it minted). */
  public Api serviceApi(int i, String caller) {
    Instance n = instance(i);
    return n.api(ServiceCredentials.open(n.hazelcast(), Clock.systemUTC()).mint(caller));
  }

  /** Every event on {@code topic} so far, in partition order. */
  public List<EventEnvelope> events(String topic) {
    List<EventEnvelope> out = Collections.synchronizedList(new ArrayList<>());
    instances
        .getFirst()
        .log()
        .replay(
            topic,
            ReplayStart.beginning(),
            e -> {
              out.add(e.envelope());
              return Future.succeededFuture();
            })
        .await();
    return out;
  }

  /**
   * Appends {@code e} to {@code topic} from the first instance (a test playing another service).
   */
  public void append(String topic, EventEnvelope e) {
    instances.getFirst().log().append(topic, e).await();
  }

  /**
   * Fails if any instance's event loop was blocked since the last check (see {@link
   * BlockedEventLoops}).
   */
  public void assertNoBlockedEventLoop() {
    loops.assertNone();
  }

  /** Stops every instance and the broker, then fails if an event loop was blocked. */
  @Override
  public void close() {
    close(true);
  }

  private void close(boolean check) {
    RuntimeException failure = null;
    for (Instance n : instances().reversed()) {
      try {
        stopInstance(n);
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    try {
      kafka.close();
    } catch (RuntimeException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      throw failure;
    }
    if (check) {
      loops.assertNone();
    }
  }

  @Override
  public String toString() {
    return name + " cluster of " + instances.size() + " in " + dir;
  }
}
