package dev.trellis.coordinator.register;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.state.StateMaps;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pending interactive registrations: a random unguessable code (the last segment of the login URL)
 * to the waiting device's machine and node key, in a shared Hazelcast map with a 10-minute TTL
 * (values are JSON text, so any member can hold them), plus the local waiters of devices connected
 * to this instance. When identity records {@code DeviceLoginCompleted}, the instance holding the
 * waiter completes the registration; the others mark the entry, so a device that reconnects
 * anywhere with {@code followup} completes too.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class PendingLogins {
  /**
   * Hazelcast map of the coordinator: code to pending registration JSON (identity reads it to
   * approve only codes issued here: {@link StateMaps#PENDING_DEVICE_LOGINS}).
   */
  public static final String MAP = StateMaps.PENDING_DEVICE_LOGINS;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long TTL_SECONDS = 600;

  /** A user completed the login with {@code code}. */
  public record Completion(String tailnetId, String userId) {}

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final Map<String, Promise<Completion>> waiters = new ConcurrentHashMap<>();

  public PendingLogins(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
  }

  /** A new pending registration for {@code machineKey}; completes with its code. */
  public Future<String> create(String machineKey, String nodeKey) {
    return create(machineKey, nodeKey, "", "");
  }

  /**
   * A new pending registration for {@code machineKey}, with the hostname and OS the device says it
   * has (shown to the person approving it); completes with its code.
   */
  public Future<String> create(String machineKey, String nodeKey, String hostname, String os) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    String value =
        new JsonObject()
            .put("machineKey", machineKey)
            .put("nodeKey", nodeKey)
            .put("hostname", hostname)
            .put("os", os)
            .encode();
    return Future.fromCompletionStage(
            map.setAsync(code, value, TTL_SECONDS, TimeUnit.SECONDS), vertx.getOrCreateContext())
        .map(v -> code);
  }

  /** The pending entry of {@code code} (null if unknown or expired). */
  public Future<JsonObject> lookup(String code) {
    return Future.fromCompletionStage(map.getAsync(code), vertx.getOrCreateContext())
        .map(v -> v == null ? null : new JsonObject(v));
  }

  /** Completes when the login of {@code code} completes (the future never fails on its own). */
  public Future<Completion> await(String code) {
    return waiters.computeIfAbsent(code, k -> Promise.promise()).future();
  }

  /** Stops waiting for {@code code}. */
  public void forget(String code) {
    waiters.remove(code);
    map.removeAsync(code);
  }

  /** Identity recorded the completion of {@code code}: wake the local waiter, mark the entry. */
  public void completed(String code, String tailnetId, String userId) {
    Promise<Completion> w = waiters.remove(code);
    if (w != null) {
      w.tryComplete(new Completion(tailnetId, userId));
      return;
    }
    vertx.executeBlocking(
        () -> {
          String v = map.get(code);
          if (v != null) {
            JsonObject o = new JsonObject(v).put("tailnetId", tailnetId).put("userId", userId);
            map.replace(code, v, o.encode());
          }
          return null;
        },
        false);
  }
}
