package dev.trellis.load.relay;

import dev.trellis.proto.key.NodePrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The benchmark's node keys, derived from their index so the relay process (which registers them)
 * and the client process (which proves them) agree without exchanging anything. Test keys only.
 *
 * <p>Thread-safety: stateless.
 */
final class BenchKeys {
  private BenchKeys() {}

  static NodePrivateKey key(int i) {
    try {
      byte[] seed =
          MessageDigest.getInstance("SHA-256")
              .digest(("trellis-relay-bench-" + i).getBytes(StandardCharsets.US_ASCII));
      return NodePrivateKey.fromBytes(seed);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
