package dev.trellis.proto.relay;

import java.util.function.Consumer;

/**
 * Push decoder for a relay byte stream: feed it bytes as they arrive (in chunks of any size) and it
 * hands each complete frame to the sink. A length above the limit is refused as soon as the header
 * is read, before any payload is buffered. After a {@link FrameException} the decoder is broken
 * (the stream cannot be re-framed) and every later call throws again.
 *
 * <p>Thread-safety: not thread-safe; one decoder per connection, fed by one thread at a time.
 */
public final class FrameDecoder {
  private final byte[] header = new byte[Frames.HEADER_BYTES];
  private int headerFill;
  private byte[] payload;
  private int payloadFill;
  private FrameException broken;

  /** Decodes every complete frame in {@code data[off, off+len)} into {@code sink}. */
  public void feed(byte[] data, int off, int len, Consumer<RelayFrame> sink) throws FrameException {
    if (broken != null) {
      throw broken;
    }
    int end = off + len;
    try {
      while (true) {
        if (payload == null) {
          int take = Math.min(Frames.HEADER_BYTES - headerFill, end - off);
          System.arraycopy(data, off, header, headerFill, take);
          headerFill += take;
          off += take;
          if (headerFill < Frames.HEADER_BYTES) {
            return;
          }
          long length =
              ((header[1] & 0xffL) << 24)
                  | ((header[2] & 0xffL) << 16)
                  | ((header[3] & 0xffL) << 8)
                  | (header[4] & 0xffL);
          FrameCodec.checkLength(length);
          payload = new byte[(int) length];
          payloadFill = 0;
        }
        int take = Math.min(payload.length - payloadFill, end - off);
        System.arraycopy(data, off, payload, payloadFill, take);
        payloadFill += take;
        off += take;
        if (payloadFill == payload.length) {
          byte[] done = payload;
          payload = null;
          headerFill = 0;
          sink.accept(FrameCodec.decode(header[0] & 0xff, done));
        } else {
          return;
        }
      }
    } catch (FrameException e) {
      broken = e;
      throw e;
    }
  }

  /** Whether the decoder holds part of a frame (a stream ending now would be truncated). */
  public boolean midFrame() {
    return headerFill > 0 || payload != null;
  }
}
