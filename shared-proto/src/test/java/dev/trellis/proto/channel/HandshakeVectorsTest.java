package dev.trellis.proto.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.proto.key.MachinePrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Known-answer test of the whole hash chain: with fixed static and ephemeral keys both sides must
 * produce, byte for byte, the messages, handshake hash and first records that an independent
 * implementation from the Noise spec (src/test/resources/noise/ik_vectors.py, Python
 * `cryptography`) produced.
 */
class HandshakeVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String MACHINE_PUBLIC =
      "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
  private static final String CONTROL_PUBLIC =
      "64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466";
  private static final String MSG1 =
      "5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b46a29af5ec4483a759c353"
          + "7de9d8be0e9de3f950dcde27a868221e1ede553a691c2a96e221ea99cf9e2e8848885e69f4ba9541a1"
          + "a75decadacd7ee8643c9fcd3ab0ad75a";
  private static final String MSG2 =
      "244fe3b963e899dd295baffce248d3530f3a9a7479ba063002680ebfe7adad492713d5b65526db366a7196"
          + "27d26ed3ed322f26c1";
  private static final String HASH =
      "40874352d0b1aa226e8f1eb6a2e8d125969fb12af4a174b6ddb51a055c2e5a2b";
  private static final String DEVICE_RECORD_0 =
      "ebb2659b90506bfcec5907c552e4220526fe801d2c0f0dc8651f6fe656da75b070";
  private static final String DEVICE_RECORD_1 = "28809d11170e514c48e39aab92daff0a0b60fe9e46be";
  private static final String COORDINATOR_RECORD_0 =
      "b0752b6ad2dfe9ebe1cf3823b4188a730821da0a01efe9acfa89b823";

  private static MachinePrivateKey key(int first) {
    byte[] raw = new byte[32];
    for (int i = 0; i < 32; i++) {
      raw[i] = (byte) (first + i);
    }
    return MachinePrivateKey.fromBytes(raw);
  }

  @Test
  void bothSidesMatchTheIndependentVectors() throws ChannelException {
    MachinePrivateKey machine = key(1);
    MachinePrivateKey control = key(65);
    assertEquals(MACHINE_PUBLIC, HEX.formatHex(machine.publicKey().toBytes()));
    assertEquals(CONTROL_PUBLIC, HEX.formatHex(control.publicKey().toBytes()));

    var initiator = new HandshakeInitiator(machine, control.publicKey(), key(33));
    byte[] msg1 = initiator.start(1);
    assertEquals(MSG1, HEX.formatHex(msg1));
    assertEquals(ControlChannel.MESSAGE1_BYTES, msg1.length);

    var responder = new HandshakeResponder(control, () -> key(97));
    HandshakeResult server = responder.respond(msg1, 7);
    assertEquals(MSG2, HEX.formatHex(server.reply()));
    assertEquals(ControlChannel.MESSAGE2_BYTES, server.reply().length);
    assertEquals(machine.publicKey(), server.peerKey());
    assertEquals(1, server.peerCapabilityVersion());
    assertEquals(HASH, HEX.formatHex(server.handshakeHash()));

    HandshakeResult device = initiator.finish(server.reply());
    assertEquals(7, device.peerCapabilityVersion());
    assertEquals(control.publicKey(), device.peerKey());
    assertArrayEquals(server.handshakeHash(), device.handshakeHash());

    byte[] r0 = device.cipher().seal(utf8("hello coordinator"));
    byte[] r1 = device.cipher().seal(utf8("second"));
    byte[] c0 = server.cipher().seal(utf8("hello device"));
    assertEquals(DEVICE_RECORD_0, HEX.formatHex(r0));
    assertEquals(DEVICE_RECORD_1, HEX.formatHex(r1));
    assertEquals(COORDINATOR_RECORD_0, HEX.formatHex(c0));
    assertEquals("hello coordinator", new String(server.cipher().open(r0), StandardCharsets.UTF_8));
    assertEquals("second", new String(server.cipher().open(r1), StandardCharsets.UTF_8));
    assertEquals("hello device", new String(device.cipher().open(c0), StandardCharsets.UTF_8));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
