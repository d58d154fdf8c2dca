package dev.trellis.proto.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.key.MachinePrivateKey;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated bytes fed to the coordinator's side never do anything but throw a {@link
 * ChannelException}: no other exception, and never an accepted handshake or record.
 */
class ChannelFuzzTest {
  private static final MachinePrivateKey CONTROL = MachinePrivateKey.generate();
  private static final MachinePrivateKey MACHINE = MachinePrivateKey.generate();
  private static final HandshakeResponder RESPONDER = new HandshakeResponder(CONTROL);

  @Property(tries = 300)
  void randomHandshakeMessagesAreRefused(@ForAll @Size(max = 300) byte[] message) {
    assertThrows(ChannelException.class, () -> RESPONDER.respond(message, 1));
  }

  @Property(tries = 200)
  void mutatedHandshakeMessagesAreRefused(
      @ForAll @IntRange(min = 0, max = 99) int at, @ForAll @IntRange(min = 1, max = 255) int x)
      throws ChannelException {
    byte[] msg1 = new HandshakeInitiator(MACHINE, CONTROL.publicKey()).start(1);
    msg1[at] ^= (byte) x;
    assertThrows(ChannelException.class, () -> RESPONDER.respond(msg1, 1));
  }

  @Property(tries = 300)
  void randomRecordsAreRefused(@ForAll @Size(max = 2000) byte[] record) throws ChannelException {
    TransportCipher server = connectServer().cipher();
    assertThrows(ChannelException.class, () -> RecordCodec.openClientMessage(server, record));
  }

  @Property(tries = 200)
  void mutatedRecordsAreRefused(
      @ForAll @IntRange(min = 0, max = 200) int at, @ForAll @IntRange(min = 1, max = 255) int x)
      throws ChannelException {
    var initiator = new HandshakeInitiator(MACHINE, CONTROL.publicKey());
    HandshakeResult server = RESPONDER.respond(initiator.start(1), 1);
    HandshakeResult device = initiator.finish(server.reply());
    byte[] record =
        RecordCodec.seal(
            device.cipher(),
            ClientMessage.newBuilder()
                .setMap(MapRequest.newBuilder().setStream(true).setResumeToken("t".repeat(40)))
                .build());
    byte[] mutated = record.clone();
    mutated[at % record.length] ^= (byte) x;
    var e =
        assertThrows(
            ChannelException.class, () -> RecordCodec.openClientMessage(server.cipher(), mutated));
    assertEquals(ChannelException.Reason.DECRYPT_FAILED, e.reason());
  }

  private static HandshakeResult connectServer() throws ChannelException {
    var initiator = new HandshakeInitiator(MACHINE, CONTROL.publicKey());
    return RESPONDER.respond(initiator.start(1), 1);
  }
}
