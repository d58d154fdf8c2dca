package dev.trellis.relay.mesh;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.relay.forward.ConnectedDevice;
import dev.trellis.relay.forward.Forwarder.Remote;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Which node keys are connected to which relay instance, shared through Hazelcast ({@link
 * #PRESENCE}: key hex -> {@code instanceId|tailnetId}) with a local replica kept current by an
 * entry listener, so the packet path never waits on Hazelcast. Also the registry of instances
 * ({@link #INSTANCES}: instance id -> {@link InstanceRecord}).
 *
 * <p>Thread-safety: thread-safe. Hazelcast writes run on the given executor, never on an event
 * loop.
 */
public final class Presence {
  /** Node key hex to {@code instanceId|tailnetId}. */
  public static final String PRESENCE = "relay.presence";

  /** Instance id to {@link InstanceRecord#encode()}. */
  public static final String INSTANCES = "relay.instances";

  private final String self;
  private final IMap<String, String> presence;
  private final IMap<String, String> instances;
  private final ExecutorService blocking;
  private final ConcurrentHashMap<NodePublicKey, Remote> replica = new ConcurrentHashMap<>();
  private UUID listener;

  public Presence(HazelcastInstance hazelcast, String self, ExecutorService blocking) {
    this.self = self;
    this.presence = hazelcast.getMap(PRESENCE);
    this.instances = hazelcast.getMap(INSTANCES);
    this.blocking = blocking;
  }

  /** Starts following the map (blocking; call from a worker thread). */
  public void start() {
    listener = presence.addEntryListener(new Follower(), true);
    for (Map.Entry<String, String> e : presence.entrySet()) {
      apply(e.getKey(), e.getValue());
    }
  }

  /** Stops following and withdraws every key of this instance (blocking). */
  public void stop() {
    if (listener != null) {
      presence.removeEntryListener(listener);
    }
    withdrawInstance(self);
  }

  /** Publishes this instance's record (blocking). */
  public void register(InstanceRecord record) {
    instances.set(record.instanceId(), record.encode());
  }

  /** The record of {@code instanceId}, or null (blocking). */
  public InstanceRecord instance(String instanceId) {
    return InstanceRecord.decode(instances.get(instanceId));
  }

  /** Every registered instance (blocking). */
  public java.util.List<InstanceRecord> instances() {
    return instances.values().stream().map(InstanceRecord::decode).filter(r -> r != null).toList();
  }

  /**
   * Removes the record of {@code instanceId} and all its keys; true if this call removed the record
   * (so exactly one survivor reports a dead instance). Blocking.
   */
  public boolean forgetInstance(String instanceId) {
    boolean removed = instances.remove(instanceId) != null;
    withdrawInstance(instanceId);
    return removed;
  }

  /** Where {@code key} is connected other than here; null when unknown or here. */
  public Remote locate(NodePublicKey key) {
    Remote r = replica.get(key);
    return r == null || r.instanceId().equals(self) ? null : r;
  }

  /** Publishes that {@code client} is connected here. */
  public void connected(ConnectedDevice client) {
    String hex = hex(client.key());
    String value = self + "|" + client.tailnetId();
    blocking.execute(() -> presence.set(hex, value));
  }

  /** Withdraws {@code client} (only if the entry still names this instance). */
  public void disconnected(ConnectedDevice client) {
    String hex = hex(client.key());
    String value = self + "|" + client.tailnetId();
    blocking.execute(() -> presence.remove(hex, value));
  }

  private void withdrawInstance(String instanceId) {
    presence.removeAll(Predicates.like("this", instanceId + "|%"));
  }

  private void apply(String hex, String value) {
    NodePublicKey key = key(hex);
    if (key == null) {
      return;
    }
    if (value == null) {
      replica.remove(key);
      return;
    }
    int bar = value.indexOf('|');
    if (bar <= 0) {
      return;
    }
    replica.put(key, new Remote(value.substring(0, bar), value.substring(bar + 1)));
  }

  private static NodePublicKey key(String hex) {
    try {
      return NodePublicKey.fromBytes(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String hex(NodePublicKey key) {
    return HexFormat.of().formatHex(key.toBytes());
  }

  private final class Follower
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryEvictedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      apply(e.getKey(), e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      apply(e.getKey(), e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      removeIf(e);
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      removeIf(e);
    }

    private void removeIf(EntryEvent<String, String> e) {
      NodePublicKey key = key(e.getKey());
      String old = e.getOldValue();
      if (key == null) {
        return;
      }
      if (old == null) {
        replica.remove(key);
        return;
      }
      int bar = old.indexOf('|');
      if (bar > 0) {
        replica.remove(key, new Remote(old.substring(0, bar), old.substring(bar + 1)));
      }
    }
  }
}
