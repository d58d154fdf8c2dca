package dev.trellis.proto.channel;

import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The coordinator's side of the control-channel handshake (Noise IK responder; layout in {@link
 * ControlChannel}): {@link #respond} reads a device's message 1, learns and authenticates its
 * machine key, and returns message 2 and the coordinator's transport cipher. Holds only the control
 * key, so one instance serves every channel.
 *
 * <p>Thread-safety: thread-safe (no mutable state; each call has its own handshake state).
 */
public final class HandshakeResponder {
  private final MachinePrivateKey controlKey;
  private final byte[] controlPublic;
  private final Supplier<MachinePrivateKey> ephemerals;

  /** A responder holding the deployment's control private key. */
  public HandshakeResponder(MachinePrivateKey controlKey) {
    this(controlKey, MachinePrivateKey::generate);
  }

  /** With chosen ephemeral keys: for known-answer tests only. */
  HandshakeResponder(MachinePrivateKey controlKey, Supplier<MachinePrivateKey> ephemerals) {
    this.controlKey = controlKey;
    this.controlPublic = controlKey.publicKey().toBytes();
    this.ephemerals = ephemerals;
  }

  /**
   * Reads message 1 and answers it, advertising {@code capabilityVersion}. Any bad message (wrong
   * size, wrong coordinator key, tampered, low-order keys) throws HANDSHAKE_FAILED.
   */
  public HandshakeResult respond(byte[] message1, int capabilityVersion) throws ChannelException {
    if (message1 == null
        || message1.length < ControlChannel.MESSAGE1_BYTES
        || message1.length > ControlChannel.MAX_HANDSHAKE_BYTES) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED,
          "handshake message 1 has "
              + (message1 == null ? 0 : message1.length)
              + " bytes, expected at least "
              + ControlChannel.MESSAGE1_BYTES);
    }
    SymmetricState state =
        new SymmetricState(ControlChannel.PROTOCOL_NAME, ControlChannel.prologue());
    state.mixHash(controlPublic); // pre-message: <- s
    byte[] re = Arrays.copyOfRange(message1, 0, 32);
    state.mixHash(re);
    state.mixDh(controlKey, re);
    byte[] rs = state.decryptAndHash(Arrays.copyOfRange(message1, 32, 80));
    state.mixDh(controlKey, rs);
    byte[] payload = state.decryptAndHash(Arrays.copyOfRange(message1, 80, message1.length));
    int peerVersion = ControlChannel.readUint32(payload);

    MachinePrivateKey ephemeral = ephemerals.get();
    try {
      byte[] e = ephemeral.publicKey().toBytes();
      state.mixHash(e);
      state.mixDh(ephemeral, re);
      state.mixDh(ephemeral, rs);
      byte[] reply = state.encryptAndHash(ControlChannel.uint32(capabilityVersion));
      byte[] message2 = new byte[e.length + reply.length];
      System.arraycopy(e, 0, message2, 0, e.length);
      System.arraycopy(reply, 0, message2, e.length, reply.length);
      byte[] hash = state.handshakeHash();
      byte[][] keys = state.split();
      // The responder receives with the first key and sends with the second.
      TransportCipher cipher = new TransportCipher(keys[1], keys[0]);
      Arrays.fill(keys[0], (byte) 0);
      Arrays.fill(keys[1], (byte) 0);
      return new HandshakeResult(
          MachinePublicKey.fromBytes(rs), peerVersion, cipher, message2, hash);
    } finally {
      ephemeral.destroy();
    }
  }
}
