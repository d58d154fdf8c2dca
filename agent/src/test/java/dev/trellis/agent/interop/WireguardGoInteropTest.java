package dev.trellis.agent.interop;

import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;

/**
 * A Trellis agent against Debian's wireguard-go, each in its own network namespace over a veth
 * pair. Runs as root with wireguard-go, wg, python3 and ping installed; skips otherwise.
 */
@RootTest
@IntegrationTest
class WireguardGoInteropTest extends TunnelContract {
  @Override
  void startB(PresharedKey psk, int timeScale) throws IOException {
    lab.startWireguardGo(
        lab.nsB,
        tunB,
        config(keyB, keyA, 2, 1, lab.underlayA, psk, false),
        v4(2) + "/24",
        v6(2) + "/64");
  }

  @Override
  InterfaceStatus statusB() {
    return null;
  }
}
