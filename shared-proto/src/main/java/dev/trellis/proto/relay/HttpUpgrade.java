package dev.trellis.proto.relay;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP/1.1 request that switches a relay connection to frames, and the check of the answer (see
 * the package documentation): {@code GET /relay/v1} (devices) or {@code GET /relay/v1/mesh} with a
 * bearer credential (relay instances), {@code Connection: Upgrade}, {@code Upgrade: trellis-relay};
 * the relay answers {@code HTTP/1.1 101}, after which the next byte is the first frame
 * (SERVER_HELLO for devices).
 *
 * <p>Thread-safety: stateless.
 */
public final class HttpUpgrade {
  /** The longest response head a client should accept before giving up. */
  public static final int MAX_HEAD_BYTES = 8192;

  private HttpUpgrade() {}

  /** The device's upgrade request for {@code host}. */
  public static byte[] deviceRequest(String host) {
    return request(Frames.DEVICE_PATH, host, null);
  }

  /** A relay instance's mesh upgrade request carrying its service credential. */
  public static byte[] meshRequest(String host, String bearer) {
    return request(Frames.MESH_PATH, host, bearer);
  }

  private static byte[] request(String path, String host, String bearer) {
    if (host.contains("\r")
        || host.contains("\n")
        || (bearer != null && (bearer.contains("\r") || bearer.contains("\n")))) {
      throw new IllegalArgumentException("header values must not contain line breaks");
    }
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nConnection: Upgrade\r\nUpgrade: "
            + Frames.UPGRADE_TOKEN
            + (bearer == null ? "" : "\r\nAuthorization: Bearer " + bearer)
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Where the response head ends in {@code buf[0, len)}: the index of the first byte after the
   * blank line, or -1 if it has not ended yet.
   */
  public static int headEnd(byte[] buf, int len) {
    for (int i = 3; i < len; i++) {
      if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  /** Whether the response head (its status line) says 101 Switching Protocols. */
  public static boolean switched(byte[] head, int len) {
    String s = new String(head, 0, Math.min(len, 16), StandardCharsets.US_ASCII);
    return s.startsWith("HTTP/1.1 101");
  }
}
