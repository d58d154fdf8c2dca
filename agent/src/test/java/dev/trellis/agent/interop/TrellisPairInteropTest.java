package dev.trellis.agent.interop;

import dev.trellis.agent.control.InterfaceStatus;
import dev.trellis.proto.key.PresharedKey;
import java.io.IOException;
import java.nio.file.Path;

/** Two Trellis agents, each in its own network namespace over a veth pair. Runs as root. */
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
            Integer.toString(timeScale));
  }

  @Override
  InterfaceStatus statusB() throws IOException {
    return lab.status(socketB);
  }
}
