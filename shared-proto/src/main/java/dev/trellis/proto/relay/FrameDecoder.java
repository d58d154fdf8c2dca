package dev.trellis.proto.relay;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Push decoder for a relay byte stream: feed it bytes as they arrive (in chunks of any size) and it
 * hands each complete frame to the sink. A length above the limit is refused as soon as the header
 * is read, before any payload is buffered. After a {@link FrameException} the decoder is broken
 * (the stream cannot be re-framed) and every later call throws again.
 *
 * <p>A {@link Raw} sink sees each complete frame's bytes first and may take it undecoded: that is
 * the relay's forwarding fast path, which rewrites a packet frame in place instead of decoding and
 * re-encoding it. A frame that lies whole inside the fed chunk is shown in the caller's array; one
 * split across chunks is assembled into a fresh array first.
 *
 * <p>Thread-safety: not thread-safe; one decoder per connection, fed by one thread at a time.
 */
public final class FrameDecoder {
  /** Sees each complete frame before it is decoded. */
  @FunctionalInterface
  public interface Raw {
    /**
     * The frame of {@code type} with a payload of {@code length} bytes is {@code data[start, start
     * + Frames.HEADER_BYTES + length)}; true takes it (it is not decoded). The sink may rewrite
     * those bytes in place and keep a reference to them: the decoder never reads them again.
     */
    boolean take(int type, byte[] data, int start, int length);
  }

  private static final Raw NONE = (type, data, start, length) -> false;

  private final byte[] header = new byte[Frames.HEADER_BYTES];
  private int headerFill;
  private byte[] frame; // header and payload of a frame split across chunks
  private int frameFill;
  private FrameException broken;

  /** Decodes every complete frame in {@code data[off, off+len)} into {@code sink}. */
  public void feed(byte[] data, int off, int len, Consumer<RelayFrame> sink) throws FrameException {
    feed(data, off, len, NONE, sink);
  }

  /**
   * Offers every complete frame in {@code data[off, off+len)} to {@code raw} and decodes those it
   * does not take into {@code sink}. {@code raw} may rewrite the bytes of the frames it takes.
   */
  public void feed(byte[] data, int off, int len, Raw raw, Consumer<RelayFrame> sink)
      throws FrameException {
    if (broken != null) {
      throw broken;
    }
    int end = off + len;
    try {
      while (off < end) {
        if (frame == null && headerFill == 0 && end - off >= Frames.HEADER_BYTES) {
          // the common case: the whole header, and often the whole frame, is in this chunk
          int length = (int) checkedLength(data, off);
          if (end - off >= Frames.HEADER_BYTES + length) {
            deliver(data[off] & 0xff, data, off, length, raw, sink);
            off += Frames.HEADER_BYTES + length;
            continue;
          }
        }
        if (frame == null) {
          int take = Math.min(Frames.HEADER_BYTES - headerFill, end - off);
          System.arraycopy(data, off, header, headerFill, take);
          headerFill += take;
          off += take;
          if (headerFill < Frames.HEADER_BYTES) {
            return;
          }
          long length = checkedLength(header, 0);
          frame = Arrays.copyOf(header, Frames.HEADER_BYTES + (int) length);
          frameFill = Frames.HEADER_BYTES;
        }
        int take = Math.min(frame.length - frameFill, end - off);
        System.arraycopy(data, off, frame, frameFill, take);
        frameFill += take;
        off += take;
        if (frameFill < frame.length) {
          return;
        }
        byte[] done = frame;
        frame = null;
        headerFill = 0;
        deliver(done[0] & 0xff, done, 0, done.length - Frames.HEADER_BYTES, raw, sink);
      }
    } catch (FrameException e) {
      broken = e;
      throw e;
    }
  }

  private static long checkedLength(byte[] b, int at) throws FrameException {
    long length =
        ((b[at + 1] & 0xffL) << 24)
            | ((b[at + 2] & 0xffL) << 16)
            | ((b[at + 3] & 0xffL) << 8)
            | (b[at + 4] & 0xffL);
    FrameCodec.checkLength(length);
    return length;
  }

  private static void deliver(
      int type, byte[] data, int start, int length, Raw raw, Consumer<RelayFrame> sink)
      throws FrameException {
    if (!raw.take(type, data, start, length)) {
      int from = start + Frames.HEADER_BYTES;
      sink.accept(FrameCodec.decode(type, Arrays.copyOfRange(data, from, from + length)));
    }
  }

  /** Whether the decoder holds part of a frame (a stream ending now would be truncated). */
  public boolean midFrame() {
    return headerFill > 0 || frame != null;
  }
}
