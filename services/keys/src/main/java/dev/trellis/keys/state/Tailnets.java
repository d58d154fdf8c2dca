package dev.trellis.keys.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import java.util.Optional;

/**
 * Reads identity's tailnet projection ({@link StateMaps#TAILNETS}, read-only here) and scopes admin
 * requests to a tailnet exactly as identity does: a tailnet the caller may not read is reported as
 * not found, never forbidden.
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

  /** The tailnet with this id. */
  public Optional<TailnetRecord> byId(String id) {
    byte[] raw = id == null || id.isEmpty() ? null : tailnets.get(id);
    if (raw == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(TailnetRecord.parseFrom(raw));
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored tailnet record is unreadable.", e);
    }
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
    if (!caller.canRead(id) || byId(id).isEmpty()) {
      throw ApiException.of(ErrorCode.TAILNET_NOT_FOUND);
    }
    return id;
  }
}
