package dev.trellis.proto.channel;

import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import java.util.Arrays;

/**
 * The device's side of the control-channel handshake (Noise IK initiator; layout in {@link
 * ControlChannel}): {@link #start} writes message 1 with the device's capability version, {@link
 * #finish} reads the coordinator's message 2 and returns the transport cipher. One use only.
 *
 * <p>Thread-safety: not thread-safe; one handshake on one thread.
 */
public final class HandshakeInitiator {
  private final MachinePrivateKey machineKey;
  private final byte[] controlKey;
  private final MachinePrivateKey ephemeral;
  private final SymmetricState state;
  private int step;

  /** A handshake as the device holding {@code machineKey}, to the pinned {@code controlKey}. */
  public HandshakeInitiator(MachinePrivateKey machineKey, MachinePublicKey controlKey) {
    this(machineKey, controlKey, MachinePrivateKey.generate());
  }

  /** With a fixed ephemeral key: for known-answer tests only. */
  HandshakeInitiator(
      MachinePrivateKey machineKey, MachinePublicKey controlKey, MachinePrivateKey ephemeral) {
    this.machineKey = machineKey;
    this.controlKey = controlKey.toBytes();
    this.ephemeral = ephemeral;
    this.state = new SymmetricState(ControlChannel.PROTOCOL_NAME, ControlChannel.prologue());
    state.mixHash(this.controlKey); // pre-message: <- s
  }

  /** Message 1 (e, es, s, ss) carrying {@code capabilityVersion}. */
  public byte[] start(int capabilityVersion) throws ChannelException {
    if (step != 0) {
      throw new IllegalStateException("start() was already called");
    }
    step = 1;
    byte[] e = ephemeral.publicKey().toBytes();
    state.mixHash(e);
    state.mixDh(ephemeral, controlKey);
    byte[] s = state.encryptAndHash(machineKey.publicKey().toBytes());
    state.mixDh(machineKey, controlKey);
    byte[] payload = state.encryptAndHash(ControlChannel.uint32(capabilityVersion));
    byte[] out = new byte[e.length + s.length + payload.length];
    System.arraycopy(e, 0, out, 0, e.length);
    System.arraycopy(s, 0, out, e.length, s.length);
    System.arraycopy(payload, 0, out, e.length + s.length, payload.length);
    return out;
  }

  /** Reads message 2 (e, ee, se) and returns the device's transport cipher. */
  public HandshakeResult finish(byte[] message2) throws ChannelException {
    if (step != 1) {
      throw new IllegalStateException("finish() needs exactly one earlier start()");
    }
    step = 2;
    if (message2 == null
        || message2.length < ControlChannel.MESSAGE2_BYTES
        || message2.length > ControlChannel.MAX_HANDSHAKE_BYTES) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED,
          "handshake message 2 has "
              + (message2 == null ? 0 : message2.length)
              + " bytes, expected at least "
              + ControlChannel.MESSAGE2_BYTES);
    }
    byte[] re = Arrays.copyOfRange(message2, 0, 32);
    state.mixHash(re);
    state.mixDh(ephemeral, re);
    state.mixDh(machineKey, re);
    byte[] payload = state.decryptAndHash(Arrays.copyOfRange(message2, 32, message2.length));
    int version = ControlChannel.readUint32(payload);
    byte[] hash = state.handshakeHash();
    byte[][] keys = state.split();
    TransportCipher cipher = new TransportCipher(keys[0], keys[1]);
    Arrays.fill(keys[0], (byte) 0);
    Arrays.fill(keys[1], (byte) 0);
    ephemeral.destroy();
    return new HandshakeResult(
        MachinePublicKey.fromBytes(controlKey), version, cipher, new byte[0], hash);
  }
}
