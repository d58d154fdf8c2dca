package dev.trellis.proto.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.RelayPublicKey;
import dev.trellis.proto.relay.RelayFrame.GoneReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hex vectors of each frame type, round trips, and the refusals of the decoders. */
class FrameCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final NodePublicKey A = NodePublicKey.fromBytes(fill(0xaa));
  private static final NodePublicKey B = NodePublicKey.fromBytes(fill(0xbb));

  @Test
  void sendPacketHasTheDocumentedLayout() {
    byte[] wire = FrameCodec.encode(new RelayFrame.SendPacket(A, new byte[] {1, 2, 3}));
    assertEquals("04" + "00000023" + "aa".repeat(32) + "010203", HEX.formatHex(wire));
  }

  @Test
  void everyFrameTypeHasAVector() {
    var relay = RelayPublicKey.fromBytes(fill(0x11));
    assertVector(
        new RelayFrame.ServerHello(1, relay, fill(0x22)),
        "01" + "00000041" + "01" + "11".repeat(32) + "22".repeat(32));
    assertVector(
        new RelayFrame.ClientHello(A, fill(0x33), 1, "hi"),
        "02" + "00000043" + "aa".repeat(32) + "33".repeat(32) + "01" + "6869");
    assertVector(new RelayFrame.ServerInfo(60_000), "03" + "00000004" + "0000ea60");
    assertVector(
        new RelayFrame.RecvPacket(B, new byte[] {9}), "05" + "00000021" + "bb".repeat(32) + "09");
    assertVector(new RelayFrame.KeepAlive(), "06" + "00000000");
    assertVector(
        new RelayFrame.Ping(HEX.parseHex("0102030405060708")), "07000000080102030405060708");
    assertVector(
        new RelayFrame.Pong(HEX.parseHex("0102030405060708")), "08000000080102030405060708");
    assertVector(
        new RelayFrame.PeerGone(A, GoneReason.NOT_ALLOWED),
        "09" + "00000021" + "aa".repeat(32) + "02");
    assertVector(new RelayFrame.PeerPresent(B), "0a" + "00000020" + "bb".repeat(32));
    assertVector(new RelayFrame.Health("ok"), "0b" + "00000002" + "6f6b");
    assertVector(new RelayFrame.UdpRelayRequest(B), "0c" + "00000020" + "bb".repeat(32));
    assertVector(
        new RelayFrame.UdpRelaySession(A, 0x0102030405060708L, 1, fill(0x44), 3479),
        "0d" + "0000004b" + "aa".repeat(32) + "0102030405060708" + "01" + "44".repeat(32) + "0d97");
    assertVector(
        new RelayFrame.MeshForward(A, B, new byte[] {7}),
        "20" + "00000041" + "aa".repeat(32) + "bb".repeat(32) + "07");
  }

  @Test
  void aUdpRelaySessionWithABadSideOrPortIsMalformed() {
    String head = "aa".repeat(32) + "0102030405060708";
    assertThrows(
        FrameException.class,
        () -> FrameCodec.decode(0x0d, HEX.parseHex(head + "02" + "44".repeat(32) + "0d97")));
    assertThrows(
        FrameException.class,
        () -> FrameCodec.decode(0x0d, HEX.parseHex(head + "00" + "44".repeat(32) + "0000")));
    assertThrows(
        FrameException.class,
        () -> FrameCodec.decode(0x0d, HEX.parseHex(head + "00" + "44".repeat(32))));
  }

  @Test
  void unknownTypesDecodeAsUnknownAndAreSkipped() throws Exception {
    List<RelayFrame> out = new ArrayList<>();
    byte[] stream = HEX.parseHex("7f00000002abcd" + "0600000000");
    new FrameDecoder().feed(stream, 0, stream.length, out::add);
    assertEquals(2, out.size());
    var unknown = assertInstanceOf(RelayFrame.Unknown.class, out.get(0));
    assertEquals(0x7f, unknown.code());
    assertInstanceOf(RelayFrame.KeepAlive.class, out.get(1));
  }

  @Test
  void aLargestPacketPassesAndOneByteMoreIsRefused() throws Exception {
    byte[] max = new byte[Frames.MAX_PACKET_BYTES];
    var frame = roundTrip(new RelayFrame.SendPacket(A, max));
    assertEquals(Frames.MAX_PACKET_BYTES, ((RelayFrame.SendPacket) frame).packet().length);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            FrameCodec.encode(new RelayFrame.SendPacket(A, new byte[Frames.MAX_PACKET_BYTES + 1])));
  }

  @Test
  void anOversizeLengthIsRefusedFromTheHeaderAlone() {
    byte[] header = HEX.parseHex("04" + "7fffffff");
    var decoder = new FrameDecoder();
    var e = assertThrows(FrameException.class, () -> decoder.feed(header, 0, 5, f -> {}));
    assertEquals(FrameException.Reason.TOO_LARGE, e.reason());
    var again = assertThrows(FrameException.class, () -> decoder.feed(new byte[1], 0, 1, f -> {}));
    assertEquals(FrameException.Reason.TOO_LARGE, again.reason());
  }

  @Test
  void wrongPayloadShapesAreMalformed() {
    for (String hex :
        List.of(
            "0700000003010203",
            "0600000001ff",
            "0400000004aaaaaaaa",
            "0b00000002c328",
            "0100000000",
            "0900000020" + "aa".repeat(32))) {
      byte[] b = HEX.parseHex(hex);
      var e =
          assertThrows(
              FrameException.class, () -> new FrameDecoder().feed(b, 0, b.length, f -> {}));
      assertEquals(FrameException.Reason.MALFORMED, e.reason(), hex);
    }
  }

  @Test
  void bytesArrivingOneAtATimeGiveTheSameFrames() throws Exception {
    var out = new ByteArrayOutputStream();
    out.write(FrameCodec.encode(new RelayFrame.KeepAlive()));
    out.write(FrameCodec.encode(new RelayFrame.SendPacket(B, new byte[300])));
    out.write(FrameCodec.encode(new RelayFrame.KeepAlive()));
    byte[] all = out.toByteArray();
    var decoder = new FrameDecoder();
    List<RelayFrame> frames = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      decoder.feed(all, i, 1, frames::add);
    }
    assertEquals(3, frames.size());
    assertEquals(B, ((RelayFrame.SendPacket) frames.get(1)).destination());
  }

  @Test
  void blockingReadStopsCleanlyAtTheEndAndRefusesATruncatedFrame() throws Exception {
    byte[] one = FrameCodec.encode(new RelayFrame.PeerPresent(A));
    var in = new ByteArrayInputStream(one);
    assertEquals(A, ((RelayFrame.PeerPresent) FrameCodec.read(in)).peer());
    assertNull(FrameCodec.read(in));
    var cut = new ByteArrayInputStream(java.util.Arrays.copyOf(one, one.length - 1));
    assertThrows(EOFException.class, () -> FrameCodec.read(cut));
  }

  private static void assertVector(RelayFrame frame, String hex) {
    byte[] wire = FrameCodec.encode(frame);
    assertEquals(hex, HEX.formatHex(wire), frame.type().toString());
    try {
      assertArrayEquals(wire, FrameCodec.encode(roundTrip(frame)));
    } catch (FrameException e) {
      throw new AssertionError(e);
    }
  }

  static RelayFrame roundTrip(RelayFrame frame) throws FrameException {
    byte[] wire = FrameCodec.encode(frame);
    List<RelayFrame> out = new ArrayList<>();
    new FrameDecoder().feed(wire, 0, wire.length, out::add);
    assertEquals(1, out.size());
    return out.get(0);
  }

  private static byte[] fill(int b) {
    byte[] out = new byte[32];
    java.util.Arrays.fill(out, (byte) b);
    return out;
  }
}
