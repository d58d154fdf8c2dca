package dev.trellis.coordinator.stream;

import dev.trellis.proto.control.v1.MapResponse;

/**
 * Where a map session's frames go: the device's channel. {@link #send} must not block and must keep
 * order (the channel seals and queues the frame).
 *
 * <p>Thread-safety: called from the model's thread only.
 */
public interface FrameSink {
  /**
   * Sends one stamped frame to the device. The default joins the frame's parts and calls {@link
   * #send(MapResponse, byte[])}; a channel overrides it to seal the parts as they are.
   */
  default void send(StampedFrame frame) {
    send(frame.stamped(), frame.encoded());
  }

  /**
   * Sends one stamped frame to the device; {@code encoded} is its serialized form (the channel
   * sends these bytes rather than serializing the frame again).
   */
  void send(MapResponse frame, byte[] encoded);

  /** The stream ended for good (LoggedOut or ReauthRequired was sent). */
  void ended();
}
