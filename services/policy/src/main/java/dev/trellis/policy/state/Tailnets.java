package dev.trellis.policy.state;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;

/**
 * Scopes admin requests to a tailnet exactly as identity and keys do, reading identity's tailnet
 * maps (read-only here): a tailnet the caller may not read is reported as not found, never
 * forbidden.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (not for event loops).
 */
public final class Tailnets {
  private final IMap<String, byte[]> tailnets;
  private final IMap<String, String> names;

  public Tailnets(HazelcastInstance hazelcast) {
    this.tailnets = hazelcast.getMap(StateMaps.TAILNETS);
    this.names = hazelcast.getMap(StateMaps.TAILNET_NAMES);
  }

  /**
   * The id of the tailnet a request is about: {@code nameOrId} if given, else the caller's own;
   * {@code TAILNET_NOT_FOUND} when the caller may not read it or it does not exist.
   */
  public String scope(Principal caller, String nameOrId) {
    String id;
    if (nameOrId == null || nameOrId.isBlank()) {
      id = caller.tailnetId();
    } else {
      String byName = names.get(nameOrId);
      id = byName != null ? byName : nameOrId;
    }
    if (id == null || id.isEmpty() || !caller.canRead(id) || !tailnets.containsKey(id)) {
      throw ApiException.of(ErrorCode.TAILNET_NOT_FOUND);
    }
    return id;
  }
}
