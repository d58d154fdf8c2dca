package dev.trellis.proto.relay;

/**
 * Constants of the relay frame protocol (see the package documentation for the layout and flow).
 * Protocol constants come first; implementation limits after.
 *
 * <p>Thread-safety: constants only.
 */
public final class Frames {
  /** Protocol version sent in SERVER_HELLO and CLIENT_HELLO. */
  public static final int VERSION = 1;

  /** Size of the frame header: type byte + u32 length. */
  public static final int HEADER_BYTES = 5;

  /** Size of every key on the wire. */
  public static final int KEY_BYTES = 32;

  /** Size of the server's challenge and of the client's proof. */
  public static final int CHALLENGE_BYTES = 32;

  /** Size of the client's proof (HMAC-SHA256). */
  public static final int PROOF_BYTES = 32;

  /** Size of a ping/pong payload. */
  public static final int PING_BYTES = 8;

  /** Largest packet a device may send or receive through a relay (64 KiB). */
  public static final int MAX_PACKET_BYTES = 64 * 1024;

  /** Largest frame payload: a packet plus two keys (MESH_FORWARD). */
  public static final int MAX_PAYLOAD_BYTES = MAX_PACKET_BYTES + 2 * KEY_BYTES;

  /** Largest text in HEALTH or CLIENT_HELLO's info, in bytes of UTF-8. */
  public static final int MAX_TEXT_BYTES = 1024;

  /** HTTP path of the device protocol. */
  public static final String DEVICE_PATH = "/relay/v1";

  /** HTTP path of the instance-to-instance (mesh) protocol. */
  public static final String MESH_PATH = "/relay/v1/mesh";

  /** Value of the HTTP {@code Upgrade} header. */
  public static final String UPGRADE_TOKEN = "trellis-relay";

  /**
   * The pin a relay started with {@code --relay-insecure-plaintext} publishes in its
   * RelayInstanceStarted / relay-map entry instead of a certificate hash: speak plain TCP (tests
   * only). An empty pin means "verify the certificate through the public PKI".
   */
  public static final String PLAINTEXT_PIN = "insecure-plaintext";

  private Frames() {}
}
