package dev.trellis.runtime.http;

import dev.trellis.runtime.config.Settings;
import java.time.Duration;

/**
 * The deadlines and bounds every listener enforces on its connections ({@link ConnectionGuard}):
 * how long a client has to send a request's headers, its body, and to complete a handshake (TLS,
 * the device channel's Noise handshake, a relay client's proof), how long a connection may wait
 * idle for its next request, and how many connections one source address may hold open.
 *
 * <p>Thread-safety: immutable.
 *
 * @param headerTimeout request line and headers must arrive within this of the connection opening
 * @param bodyTimeout a request's body must arrive within this of its headers
 * @param idleTimeout a connection waiting for its next request (or a silent device channel without
 *     a map stream) closes after this
 * @param handshakeTimeout TLS, Noise and relay-proof handshakes must complete within this
 * @param maxPerSource most open connections from one source address; 0 for no limit
 */
public record ListenerLimits(
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    Duration handshakeTimeout,
    int maxPerSource) {

  /** Checks the values. */
  public ListenerLimits {
    for (Duration d : new Duration[] {headerTimeout, bodyTimeout, idleTimeout, handshakeTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("listener timeouts must be positive: " + d);
      }
    }
    if (maxPerSource < 0) {
      throw new IllegalArgumentException("maxPerSource must not be negative");
    }
  }

  /** The limits the process's settings give ({@code --http-header-timeout} and friends). */
  public static ListenerLimits from(Settings settings) {
    var v = settings.values();
    return new ListenerLimits(
        v.get(Settings.HTTP_HEADER_TIMEOUT),
        v.get(Settings.HTTP_BODY_TIMEOUT),
        v.get(Settings.HTTP_IDLE_TIMEOUT),
        v.get(Settings.HANDSHAKE_TIMEOUT),
        v.get(Settings.MAX_CONNECTIONS_PER_SOURCE));
  }

  /** The defaults of the flags: 10 s, 30 s, 75 s, 10 s, 512. */
  public static ListenerLimits defaults() {
    return new ListenerLimits(
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        Duration.ofSeconds(10),
        512);
  }
}
