package dev.trellis.agent.localapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.PeerStatus;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.net.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
  @TempDir Path dir;
  private static final String SAMPLE_TEXT;

  static {
    try {
      SAMPLE_TEXT = StatusCodec.encode(sample());
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static InterfaceStatus sample() throws Exception {
    return new InterfaceStatus(
        "trellis7",
        NodePrivateKey.generate().publicKey(),
        4242,
        List.of(
            new PeerStatus(
                NodePrivateKey.generate().publicKey(),
                new Endpoint(InetAddress.getByName("fd00::9"), 51820),
                Instant.ofEpochMilli(1_700_000_000_123L),
                10,
                20,
                List.of(IpPrefix.parse("10.1.0.0/16")),
                Duration.ofSeconds(25)),
            new PeerStatus(
                NodePrivateKey.generate().publicKey(), null, null, 0, 0, List.of(), Duration.ZERO)),
        Map.of("drops.REPLAY", 3L));
  }

  @Test
  void servesTheStatusOnA0600SocketAndRemovesItOnClose() throws Exception {
    InterfaceStatus s = sample();
    Path sock = dir.resolve("run/t.sock");
    try (ControlServer server = ControlServer.start(sock, () -> s)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
      assertEquals(s, ControlClient.get(sock));
      assertEquals(s, ControlClient.get(sock)); // serves more than one client
    }
    assertTrue(!Files.exists(sock));
    IOException e = assertThrows(IOException.class, () -> ControlClient.get(sock));
    assertTrue(e.getMessage().contains("is trellisd running"), e.getMessage());
  }

  @Property(tries = 1000)
  void malformedStatusTextIsAnIllegalArgumentNeverAnotherException(
      @ForAll byte[] noise, @ForAll int cut) throws Exception {
    String text = SAMPLE_TEXT;
    StringBuilder b = new StringBuilder(text);
    for (int i = 0; i < noise.length && b.length() > 0; i++) {
      int at = Math.floorMod(cut + i * 31, b.length());
      b.setCharAt(at, (char) (noise[i] & 0x7f));
    }
    try {
      StatusCodec.decode(Arrays.asList(b.toString().split("\n")));
    } catch (IllegalArgumentException expected) {
      // a clear error is fine
    }
  }
}
