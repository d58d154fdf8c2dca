package dev.trellis.policy.state;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.access.TailnetLookup;

/**
 * Scopes admin requests to a tailnet exactly as identity and keys do, reading identity's tailnet
 * maps (read-only here): a tailnet the caller may not read is reported as not found, never
 * forbidden.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (not for event loops).
 */
public final class Tailnets {
  private final TailnetLookup lookup;

  public Tailnets(HazelcastInstance hazelcast) {
    this.lookup = new TailnetLookup(hazelcast);
  }

  /**
   * The id of the tailnet a request is about: {@code nameOrId} if given, else the caller's own;
   * {@code TAILNET_NOT_FOUND} when the caller may not read it or it does not exist.
   */
  public String scope(Principal caller, String nameOrId) {
    return lookup.scope(caller, nameOrId);
  }
}
