package dev.trellis.agent.wireguard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Constants of the WireGuard protocol as the paper and wireguard-go fix them. Implementation
 * choices (queue sizes, worker counts) live in {@code DeviceOptions}, not here.
 *
 * <p>Thread-safety: constants only.
 */
public final class Spec {
  private Spec() {}

  /** Noise protocol name hashed into the initial chaining key. */
  public static final byte[] CONSTRUCTION =
      "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);

  /** WireGuard identifier mixed into the initial hash. */
  public static final byte[] IDENTIFIER =
      "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);

  /** Label of the MAC1 key: {@code HASH(LABEL_MAC1 || Spub)}. */
  public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);

  /** Label of the cookie encryption key: {@code HASH(LABEL_COOKIE || Spub)}. */
  public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

  /** Start a new handshake once a session has sent this many messages: 2^60. */
  public static final long REKEY_AFTER_MESSAGES = 1L << 60;

  /**
   * Never send or accept more messages than this on one session: 2^64 - 2^13 - 1, an unsigned
   * value; compare with {@link Long#compareUnsigned}.
   */
  public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;

  /** Initiators start a new handshake for sessions older than this. */
  public static final Duration REKEY_AFTER_TIME = Duration.ofSeconds(120);

  /** Sessions older than this are neither used to send nor to receive. */
  public static final Duration REJECT_AFTER_TIME = Duration.ofSeconds(180);

  /** A handshake that has not completed by then is given up. */
  public static final Duration REKEY_ATTEMPT_TIME = Duration.ofSeconds(90);

  /** Retransmit an unanswered initiation after this (plus jitter). */
  public static final Duration REKEY_TIMEOUT = Duration.ofSeconds(5);

  /** Most jitter added to {@link #REKEY_TIMEOUT}. */
  public static final Duration REKEY_TIMEOUT_JITTER_MAX = Duration.ofMillis(333);

  /** Send a keepalive if we received data and sent nothing for this long. */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);

  /** The cookie secret rotates, and received cookies expire, after this. */
  public static final Duration COOKIE_REFRESH_TIME = Duration.ofSeconds(120);

  /** At most this many initiations per second are processed per peer (flood protection). */
  public static final int INITIATIONS_PER_SECOND = 50;

  /** Transport message type. */
  public static final int TYPE_INITIATION = 1;

  /** Handshake response type. */
  public static final int TYPE_RESPONSE = 2;

  /** Cookie reply type. */
  public static final int TYPE_COOKIE_REPLY = 3;

  /** Transport data type. */
  public static final int TYPE_TRANSPORT = 4;

  /** Size of a handshake initiation. */
  public static final int INITIATION_SIZE = 148;

  /** Size of a handshake response. */
  public static final int RESPONSE_SIZE = 92;

  /** Size of a cookie reply. */
  public static final int COOKIE_REPLY_SIZE = 64;

  /** Size of the transport data header (type, receiver, counter). */
  public static final int TRANSPORT_HEADER_SIZE = 16;

  /** Smallest transport message: header and an empty payload's tag (a keepalive). */
  public static final int TRANSPORT_MIN_SIZE = TRANSPORT_HEADER_SIZE + 16;

  /** Transport payloads are zero-padded to a multiple of this. */
  public static final int PADDING_MULTIPLE = 16;

  /** Handshakes a retransmission timer tries before giving up (90 s / 5 s). */
  public static final int MAX_TIMER_HANDSHAKES =
      (int) (REKEY_ATTEMPT_TIME.toSeconds() / REKEY_TIMEOUT.toSeconds());
}
