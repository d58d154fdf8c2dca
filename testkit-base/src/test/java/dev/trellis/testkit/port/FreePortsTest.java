package dev.trellis.testkit.port;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  void portsComeFromBelowTheEphemeralRangeAndBind() throws Exception {
    int low = FreePorts.ephemeralLow();
    for (int i = 0; i < 20; i++) {
      int port = FreePorts.tcp("127.0.0.1");
      assertTrue(port > 0 && (low <= 11_000 || port < low), port + " (ephemeral from " + low + ")");
      try (ServerSocket s = new ServerSocket(port)) {
        assertTrue(s.isBound());
      }
    }
  }
}
