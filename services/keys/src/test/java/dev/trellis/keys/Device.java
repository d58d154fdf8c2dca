package dev.trellis.keys;

import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePublicKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A simulated device's public keys and a registration body for it. Not thread-safe. */
final class Device {
  private static final SecureRandom RANDOM = new SecureRandom();

  final String machineKey = MachinePublicKey.fromBytes(random()).toString();
  String nodeKey = NodePublicKey.fromBytes(random()).toString();
  String discoKey = DiscoPublicKey.fromBytes(random()).toString();
  String hostname;

  Device(String hostname) {
    this.hostname = hostname;
  }

  static byte[] random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return b;
  }

  static String newNodeKey() {
    return NodePublicKey.fromBytes(random()).toString();
  }

  static String newDiscoKey() {
    return DiscoPublicKey.fromBytes(random()).toString();
  }

  /** The register body for this device in {@code tailnetId}. */
  Map<String, Object> register(String tailnetId) {
    Map<String, Object> b = new HashMap<>();
    b.put("tailnetId", tailnetId);
    b.put("machineKey", machineKey);
    b.put("nodeKey", nodeKey);
    b.put("discoKey", discoKey);
    b.put("hostname", hostname);
    b.put("os", "linux");
    b.put("userId", "u1");
    b.put("tags", List.of());
    b.put("ephemeral", false);
    b.put("authKeyId", "k1");
    b.put("preapproved", false);
    return b;
  }
}
