package dev.trellis.proto.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Handshake and records between a device and a coordinator: round trip and every refusal. */
class ChannelTest {
  private final MachinePrivateKey machine = MachinePrivateKey.generate();
  private final MachinePrivateKey control = MachinePrivateKey.generate();

  private record Pair(HandshakeResult device, HandshakeResult server) {}

  private Pair connect() throws ChannelException {
    var initiator = new HandshakeInitiator(machine, control.publicKey());
    HandshakeResult server = new HandshakeResponder(control).respond(initiator.start(3), 5);
    return new Pair(initiator.finish(server.reply()), server);
  }

  @Test
  void messagesRoundTripBothWays() throws ChannelException {
    Pair p = connect();
    assertEquals(machine.publicKey(), p.server().peerKey());
    assertEquals(3, p.server().peerCapabilityVersion());
    assertEquals(5, p.device().peerCapabilityVersion());
    for (int i = 0; i < 3; i++) {
      ClientMessage out =
          ClientMessage.newBuilder()
              .setRegister(RegisterRequest.newBuilder().setCapabilityVersion(i).setAuthKey("k"))
              .build();
      assertEquals(out, RecordCodec.openClientMessage(p.server().cipher(), seal(p.device(), out)));
      ServerMessage back =
          ServerMessage.newBuilder()
              .setMap(MapResponse.newBuilder().setNetmapVersion(i + 10))
              .build();
      assertEquals(
          back,
          RecordCodec.openServerMessage(
              p.device().cipher(), RecordCodec.seal(p.server().cipher(), back)));
    }
    assertEquals(3, p.device().cipher().sealedCount());
    assertEquals(3, p.server().cipher().openedCount());
  }

  @Test
  void aMapFrameSealedFromItsBytesOpensAsTheMessage() throws ChannelException {
    Pair p = connect();
    for (int size : new int[] {0, 1, 127, 128, 5_000, 300_000}) {
      MapResponse frame =
          MapResponse.newBuilder()
              .setNetmapVersion(size + 1)
              .setResumeToken("t".repeat(size))
              .build();
      ServerMessage opened =
          RecordCodec.openServerMessage(
              p.device().cipher(), RecordCodec.sealMap(p.server().cipher(), frame.toByteArray()));
      assertEquals(ServerMessage.newBuilder().setMap(frame).build(), opened, "size " + size);
    }
  }

  @Test
  void aMapFrameSealedFromABodyAndATailOpensAsTheMergedMessage() throws ChannelException {
    Pair p = connect();
    for (int size : new int[] {0, 1, 127, 128, 5_000, 300_000}) {
      MapResponse body = MapResponse.newBuilder().setResumeToken("b".repeat(size)).build();
      MapResponse tail = MapResponse.newBuilder().setNetmapVersion(size + 7).build();
      ServerMessage opened =
          RecordCodec.openServerMessage(
              p.device().cipher(),
              RecordCodec.sealMap(p.server().cipher(), body.toByteArray(), tail.toByteArray()));
      assertEquals(
          ServerMessage.newBuilder().setMap(body.toBuilder().mergeFrom(tail)).build(),
          opened,
          "size " + size);
    }
    assertEquals(6, p.server().cipher().sealedCount());
  }

  @Test
  void aDeviceThatPinnedAnotherKeyIsRefused() throws ChannelException {
    var initiator = new HandshakeInitiator(machine, MachinePrivateKey.generate().publicKey());
    byte[] msg1 = initiator.start(1);
    var e =
        assertThrows(
            ChannelException.class, () -> new HandshakeResponder(control).respond(msg1, 1));
    assertEquals(ChannelException.Reason.HANDSHAKE_FAILED, e.reason());
  }

  @Test
  void aForgedReplyIsRefusedByTheDevice() throws ChannelException {
    var initiator = new HandshakeInitiator(machine, control.publicKey());
    byte[] msg1 = initiator.start(1);
    // An impostor without the control key answers with its own responder.
    var impostor = new HandshakeResponder(MachinePrivateKey.generate());
    var good = new HandshakeResponder(control).respond(msg1, 1);
    byte[] forged = good.reply().clone();
    forged[40] ^= 1;
    assertThrows(ChannelException.class, () -> impostor.respond(msg1, 1));
    var e = assertThrows(ChannelException.class, () -> initiator.finish(forged));
    assertEquals(ChannelException.Reason.HANDSHAKE_FAILED, e.reason());
  }

  @Test
  void lowOrderEphemeralIsRefused() throws ChannelException {
    byte[] msg1 = new HandshakeInitiator(machine, control.publicKey()).start(1);
    Arrays.fill(msg1, 0, 32, (byte) 0);
    var e =
        assertThrows(
            ChannelException.class, () -> new HandshakeResponder(control).respond(msg1, 1));
    assertEquals(ChannelException.Reason.HANDSHAKE_FAILED, e.reason());
  }

  @Test
  void shortHandshakeMessagesAreRefused() {
    var responder = new HandshakeResponder(control);
    assertThrows(ChannelException.class, () -> responder.respond(new byte[99], 1));
    assertThrows(ChannelException.class, () -> responder.respond(null, 1));
    assertThrows(ChannelException.class, () -> responder.respond(new byte[70000], 1));
  }

  @Test
  void tamperedRecordIsRefusedAndBreaksTheChannel() throws ChannelException {
    Pair p = connect();
    byte[] record = seal(p.device(), map(1));
    byte[] tampered = record.clone();
    tampered[3] ^= 0x40;
    var e =
        assertThrows(
            ChannelException.class,
            () -> RecordCodec.openClientMessage(p.server().cipher(), tampered));
    assertEquals(ChannelException.Reason.DECRYPT_FAILED, e.reason());
    // The genuine record is refused too: the receiving direction is broken for good.
    var again =
        assertThrows(
            ChannelException.class,
            () -> RecordCodec.openClientMessage(p.server().cipher(), record));
    assertEquals(ChannelException.Reason.BROKEN, again.reason());
  }

  @Test
  void replayedRecordIsRefused() throws ChannelException {
    Pair p = connect();
    byte[] record = seal(p.device(), map(1));
    RecordCodec.openClientMessage(p.server().cipher(), record);
    var e =
        assertThrows(
            ChannelException.class,
            () -> RecordCodec.openClientMessage(p.server().cipher(), record));
    assertEquals(ChannelException.Reason.DECRYPT_FAILED, e.reason());
  }

  @Test
  void reorderedRecordIsRefused() throws ChannelException {
    Pair p = connect();
    seal(p.device(), map(1));
    byte[] second = seal(p.device(), map(2));
    assertThrows(
        ChannelException.class, () -> RecordCodec.openClientMessage(p.server().cipher(), second));
  }

  @Test
  void truncatedRecordsAreRefused() throws ChannelException {
    for (int keep : new int[] {0, 5, 15, 16, 20}) {
      Pair p = connect();
      byte[] record = seal(p.device(), map(1));
      byte[] cut = Arrays.copyOf(record, Math.min(keep, record.length - 1));
      var e =
          assertThrows(
              ChannelException.class,
              () -> RecordCodec.openClientMessage(p.server().cipher(), cut));
      assertEquals(ChannelException.Reason.DECRYPT_FAILED, e.reason());
    }
  }

  @Test
  void recordsFromTheWrongDirectionAreRefused() throws ChannelException {
    Pair p = connect();
    byte[] own = RecordCodec.seal(p.server().cipher(), ServerMessage.getDefaultInstance());
    assertThrows(
        ChannelException.class, () -> RecordCodec.openClientMessage(p.server().cipher(), own));
  }

  @Test
  void authenticGarbageIsMalformed() throws ChannelException {
    Pair p = connect();
    byte[] record = p.device().cipher().seal(new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    var e =
        assertThrows(
            ChannelException.class,
            () -> RecordCodec.openClientMessage(p.server().cipher(), record));
    assertEquals(ChannelException.Reason.MALFORMED, e.reason());
  }

  @Test
  void oversizedRecordsAreRefusedBothWays() throws ChannelException {
    Pair p = connect();
    byte[] big = new byte[ControlChannel.MAX_RECORD_BYTES - 15];
    var e = assertThrows(ChannelException.class, () -> p.device().cipher().seal(big));
    assertEquals(ChannelException.Reason.TOO_LARGE, e.reason());
    byte[] justFits = p.device().cipher().seal(new byte[ControlChannel.MAX_RECORD_BYTES - 16]);
    assertEquals(ControlChannel.MAX_RECORD_BYTES, justFits.length);
    assertArrayEquals(
        new byte[ControlChannel.MAX_RECORD_BYTES - 16], p.server().cipher().open(justFits));
    var in =
        assertThrows(
            ChannelException.class,
            () -> p.server().cipher().open(new byte[ControlChannel.MAX_RECORD_BYTES + 1]));
    assertEquals(ChannelException.Reason.TOO_LARGE, in.reason());
  }

  @Test
  void theCounterNeverWraps() throws ChannelException {
    byte[] key = new byte[32];
    var sender = new CipherState(key, -3L); // 2^64 - 3
    var receiver = new CipherState(key, -3L);
    receiver.decrypt(new byte[0], sender.encrypt(new byte[0], new byte[] {1}));
    receiver.decrypt(new byte[0], sender.encrypt(new byte[0], new byte[] {2})); // uses 2^64-2
    var e = assertThrows(ChannelException.class, () -> sender.encrypt(new byte[0], new byte[] {3}));
    assertEquals(ChannelException.Reason.COUNTER_EXHAUSTED, e.reason());
    var r = assertThrows(ChannelException.class, () -> receiver.decrypt(new byte[0], new byte[17]));
    assertEquals(ChannelException.Reason.COUNTER_EXHAUSTED, r.reason());
  }

  @Test
  void startAndFinishAreOneUse() throws ChannelException {
    var initiator = new HandshakeInitiator(machine, control.publicKey());
    assertThrows(IllegalStateException.class, () -> initiator.finish(new byte[52]));
    initiator.start(1);
    assertThrows(IllegalStateException.class, () -> initiator.start(1));
  }

  private static byte[] seal(HandshakeResult side, ClientMessage m) throws ChannelException {
    return RecordCodec.seal(side.cipher(), m);
  }

  private static ClientMessage map(int v) {
    return ClientMessage.newBuilder()
        .setMap(MapRequest.newBuilder().setNetmapVersion(v).setStream(true))
        .build();
  }
}
