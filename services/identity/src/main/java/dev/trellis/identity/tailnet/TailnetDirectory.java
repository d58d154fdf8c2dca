package dev.trellis.identity.tailnet;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.access.TailnetLookup;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads tailnets from identity's projection: by id, by name, or all. Names and ids are looked up as
 * {@link TailnetLookup} says (disjoint forms, never ambiguous).
 *
 * <p>Thread-safety: thread-safe. Calls may block briefly on Hazelcast; call them from worker
 * threads or consumer threads, not from an event loop.
 */
public final class TailnetDirectory {
  private final IMap<String, byte[]> tailnets;
  private final TailnetLookup lookup;

  public TailnetDirectory(HazelcastInstance hazelcast) {
    this.tailnets = hazelcast.getMap(StateMaps.TAILNETS);
    this.lookup = new TailnetLookup(hazelcast);
  }

  /** The tailnet with this id. */
  public Optional<TailnetRecord> byId(String id) {
    return lookup.byId(id);
  }

  /** The tailnet named or identified by {@code nameOrId}; 404 when there is none. */
  public TailnetRecord resolve(String nameOrId) {
    return lookup.resolve(nameOrId);
  }

  /**
   * The id of the tailnet a request is about: {@code nameOrId} if given, else the caller's own.
   * Fails with 404 when the caller may not read it (exactly as when it does not exist), and with
   * 403 when {@code administer} is set and the caller may only read it.
   */
  public String scope(Principal caller, String nameOrId, boolean administer) {
    String id = lookup.scope(caller, nameOrId);
    if (administer) {
      caller.requireAdminister(id);
    }
    return id;
  }

  /** Every tailnet, oldest first. */
  public List<TailnetRecord> all() {
    List<TailnetRecord> out = new ArrayList<>();
    tailnets.values().forEach(raw -> out.add(parse(raw)));
    out.sort(
        Comparator.comparingLong((TailnetRecord t) -> t.getCreatedAt().getSeconds())
            .thenComparingInt(t -> t.getCreatedAt().getNanos())
            .thenComparing(TailnetRecord::getName));
    return out;
  }

  /** Whether no tailnet exists yet. */
  public boolean isEmpty() {
    return tailnets.isEmpty();
  }

  private static TailnetRecord parse(byte[] raw) {
    try {
      return TailnetRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored tailnet record is unreadable.", e);
    }
  }
}
