package dev.trellis.agent.device;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.LocalIdentity;
import dev.trellis.agent.wireguard.RemoteIdentity;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Private keys, preshared keys and session keys never appear in any toString. */
class SecretsNeverPrintedTest {
  @Test
  void noSecretInToString() throws Exception {
    NodePrivateKey key = NodePrivateKey.generate();
    PresharedKey psk = PresharedKey.generate();
    byte[] session = new byte[32];
    java.util.Arrays.fill(session, (byte) 0x5a);
    LocalIdentity local = new LocalIdentity(key);
    RemoteIdentity remote = new RemoteIdentity(local, NodePrivateKey.generate().publicKey(), psk);
    Keypair kp = new Keypair(session, session, 1, 2, true, 0);
    DeviceConfig cfg =
        new DeviceConfig(
            key,
            0,
            List.of(
                new PeerConfig(
                    remote.key(), psk, List.of(IpPrefix.parse("10.0.0.0/8")), null, null)));
    List<String> secrets =
        List.of(
            HexFormat.of().formatHex(key.toBytes()),
            Base64.getEncoder().encodeToString(key.toBytes()),
            HexFormat.of().formatHex(psk.toBytes()),
            Base64.getEncoder().encodeToString(psk.toBytes()),
            HexFormat.of().formatHex(session));
    for (Object o : List.of(key, psk, local, remote, kp, kp.sendKey(), cfg)) {
      String s = o.toString();
      for (String secret : secrets) {
        assertFalse(s.toLowerCase().contains(secret.toLowerCase()), o.getClass() + ": " + s);
      }
    }
  }
}
