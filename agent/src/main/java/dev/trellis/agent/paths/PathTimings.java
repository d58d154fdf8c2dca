package dev.trellis.agent.paths;

import java.time.Duration;

/**
 * The path layer's timing choices, in one place (implementation choices, not a specification).
 *
 * @param heartbeat how often the chosen direct path is pinged while the peer is active
 * @param discovery how often every candidate is pinged (and a call-me-maybe sent) while a peer is
 *     active and has no direct path
 * @param upgrade how often every candidate is pinged while a direct path works, to find a better
 * @param trust how long a direct path stays in use after its last pong (3 missed heartbeats)
 * @param active how long after the last WireGuard packet a peer still counts as active
 * @param pingTimeout how long an unanswered ping is remembered
 */
public record PathTimings(
    Duration heartbeat,
    Duration discovery,
    Duration upgrade,
    Duration trust,
    Duration active,
    Duration pingTimeout) {

  /** The defaults: heartbeat 2 s, discovery 5 s, upgrade 30 s, trust 6.5 s, active 45 s. */
  public static PathTimings defaults() {
    return new PathTimings(
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofMillis(6500),
        Duration.ofSeconds(45),
        Duration.ofSeconds(5));
  }
}
