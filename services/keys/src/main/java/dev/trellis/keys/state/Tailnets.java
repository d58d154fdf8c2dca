package dev.trellis.keys.state;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.access.TailnetLookup;
import java.util.Optional;

/**
 * Reads identity's tailnet projection ({@link StateMaps#TAILNETS}, read-only here) and scopes admin
 * requests to a tailnet exactly as identity does: a tailnet the caller may not read is reported as
 * not found, never forbidden.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (not for event loops).
 */
public final class Tailnets {
  private final TailnetLookup lookup;

  public Tailnets(HazelcastInstance hazelcast) {
    this.lookup = new TailnetLookup(hazelcast);
  }

  /** The tailnet with this id. */
  public Optional<TailnetRecord> byId(String id) {
    return lookup.byId(id);
  }

  /**
   * The id of the tailnet a request is about: {@code nameOrId} if given, else the caller's own;
   * {@code TAILNET_NOT_FOUND} when the caller may not read it or it does not exist.
   */
  public String scope(Principal caller, String nameOrId) {
    return lookup.scope(caller, nameOrId);
  }
}
