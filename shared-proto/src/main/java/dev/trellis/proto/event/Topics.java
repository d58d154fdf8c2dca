package dev.trellis.proto.event;

import java.util.List;

/**
 * The Kafka topic of each bounded context. Every domain event is appended to exactly one of these
 * topics, keyed by tailnet id so that one tailnet's events stay ordered; {@link
 * EventTypes#topicOf(String)} says which topic an event type belongs to.
 *
 * <p>Topic names are part of the stored data and never change.
 *
 * <p>Thread-safety: constants only.
 */
public final class Topics {
  /** Tailnets, users, logins, auth keys, API tokens, signing keys, node approval. */
  public static final String IDENTITY = "trellis.identity";

  /** Node registration and the lifecycle of machine, node and disco keys. */
  public static final String KEYS = "trellis.keys";

  /** Address allocation and release. */
  public static final String IPAM = "trellis.ipam";

  /** ACL policy versions and rejected edits. */
  public static final String POLICY = "trellis.policy";

  /** Live node state reported to coordinators: endpoints, host info, presence, home relay. */
  public static final String COORDINATOR = "trellis.coordinator";

  /** Relay instances starting and stopping. */
  public static final String RELAY = "trellis.relay";

  /** Refused requests (any service), rate-limited; read by the audit, by no projection. */
  public static final String ACCESS = "trellis.access";

  private static final List<String> ALL =
      List.of(IDENTITY, KEYS, IPAM, POLICY, COORDINATOR, RELAY, ACCESS);

  private Topics() {}

  /** Every topic, in a fixed order (identity, keys, ipam, policy, coordinator, relay, access). */
  public static List<String> all() {
    return ALL;
  }
}
