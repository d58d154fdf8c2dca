package dev.trellis.relay.forward;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameType;
import dev.trellis.relay.auth.Authorization;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * One authenticated device connected to this instance: its proven node key, its node and tailnet,
 * and the fair queue of frames going to it. Closing is delegated to the session that owns the
 * socket.
 *
 * <p>Thread-safety: thread-safe; immutable apart from the queue (itself thread-safe).
 */
public final class ConnectedDevice {
  private final NodePublicKey key;
  private final byte[] keyBytes;
  private final Authorization authorization;
  private final OutboundQueue queue;
  private final Consumer<String> closer;

  /**
   * @param key the proven node key
   * @param authorization the key registry's verdict (allowed)
   * @param queue frames to the device
   * @param closer closes the connection, sending the given text as HEALTH first
   */
  public ConnectedDevice(
      NodePublicKey key,
      Authorization authorization,
      OutboundQueue queue,
      Consumer<String> closer) {
    this.key = key;
    this.keyBytes = key.toBytes();
    this.authorization = authorization;
    this.queue = queue;
    this.closer = closer;
  }

  public NodePublicKey key() {
    return key;
  }

  public String nodeId() {
    return authorization.nodeId();
  }

  public String tailnetId() {
    return authorization.tailnetId();
  }

  public Authorization authorization() {
    return authorization;
  }

  /** Queues a RECV_PACKET from {@code source}, or says why not. */
  public OutboundQueue.Offer deliver(Object fairnessKey, byte[] sourceKey, byte[] packet) {
    return queue.offer(fairnessKey, recvFrame(sourceKey, packet));
  }

  /** Queues an already-encoded RECV_PACKET from {@code fairnessKey}, or says why not. */
  public OutboundQueue.Offer forward(Object fairnessKey, Buffer frame) {
    return queue.offer(fairnessKey, frame);
  }

  /** Queues an already-encoded frame (control frames: PEER_GONE, PONG...). */
  public OutboundQueue.Offer send(Buffer frame) {
    return queue.offer(this, frame);
  }

  /** Closes the connection, telling the device why. */
  public void close(String reason) {
    closer.accept(reason);
  }

  /** This device's key bytes (do not modify). */
  byte[] keyBytes() {
    return keyBytes;
  }

  /** A RECV_PACKET frame. */
  static Buffer recvFrame(byte[] sourceKey, byte[] packet) {
    int len = sourceKey.length + packet.length;
    return Buffer.buffer(5 + len)
        .appendByte((byte) FrameType.RECV_PACKET.code())
        .appendInt(len)
        .appendBytes(sourceKey)
        .appendBytes(packet);
  }

  @Override
  public String toString() {
    return "ConnectedDevice[" + key + ", node " + nodeId() + "]";
  }
}
