package dev.trellis.agent.device;

import dev.trellis.proto.crypto.ChaChaPoly;

/**
 * One thread's scratch state for sending single transport packets outside the batched pipeline
 * (keepalives and packets staged during a handshake): its own cipher and buffer.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
final class DirectSender {
  final ChaChaPoly aead = ChaChaPoly.create();
  final byte[][] bufs;
  final int[] sizes = new int[1];

  DirectSender(int bufferSize) {
    bufs = new byte[][] {new byte[bufferSize]};
  }
}
