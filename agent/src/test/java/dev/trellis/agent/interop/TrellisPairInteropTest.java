package dev.trellis.agent.interop;

import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Two Trellis agents, each in its own network namespace over a veth pair: side A with the default
 * fast paths (TUN TSO, batched UDP with GSO/GRO), side B on the plain paths (one packet per TUN
 * read/write, DatagramChannel), so both paths and their interplay are covered. Runs as root.
 */
@RootTest
@IntegrationTest
class TrellisPairInteropTest extends TunnelContract {
  private Path socketB;

  @Override
  void startB(PresharedKey psk, int timeScale) throws IOException {
    socketB =
        lab.startTrellis(
            lab.nsB,
            tunB,
            config(keyB, keyA, 2, 1, lab.underlayA, psk, true),
            "--time-scale",
            Integer.toString(timeScale),
            "--no-tun-offload",
            "--plain-udp");
  }

  @Override
  InterfaceStatus statusB() throws IOException {
    return lab.status(socketB);
  }
}
