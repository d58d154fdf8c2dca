package dev.trellis.admin.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LineReaderTest {
  private static List<String> all(LineReader r) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l = r.next(); l != null; l = r.next()) {
      lines.add(l);
    }
    return lines;
  }

  private static LineReader reader(String s, int max) {
    return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
  }

  @Test
  void splitsOnNewlinesAndDropsCarriageReturns() throws Exception {
    assertEquals(List.of("a", "", "bc", "d"), all(reader("a\n\r\nbc\r\nd", 100)));
    assertNull(reader("", 100).next());
  }

  @Test
  void aLineOverTheLimitIsSkippedAndReported() throws Exception {
    LineReader r = reader("ok\n" + "x".repeat(50) + "\nnext\n" + "y".repeat(11), 10);
    assertEquals("ok", r.next());
    assertSame(LineReader.OVERSIZED, r.next());
    assertEquals("next", r.next());
    assertSame(LineReader.OVERSIZED, r.next());
    assertNull(r.next());
  }

  @Test
  void decodesUtf8SplitAcrossReads() throws Exception {
    byte[] bytes = "é€😀\n".getBytes(StandardCharsets.UTF_8);
    InputStream oneByteAtATime =
        new InputStream() {
          int i;

          @Override
          public int read() {
            return i < bytes.length ? bytes[i++] & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (i >= bytes.length) {
              return -1;
            }
            b[off] = bytes[i++];
            return 1;
          }
        };
    assertEquals(List.of("é€😀"), all(new LineReader(oneByteAtATime, 100)));
  }

  /** Lines under the limit come back exactly as {@code String.split} would give them. */
  @Property(tries = 1000)
  void agreesWithSplittingForShortLines(
      @ForAll @Size(max = 20) List<@net.jqwik.api.constraints.StringLength(max = 30) String> raw,
      @ForAll @IntRange(min = 1, max = 7) int chunk)
      throws Exception {
    List<String> lines = raw.stream().map(s -> s.replace("\n", "").replace("\r", "")).toList();
    String text = lines.stream().map(l -> l + "\n").reduce("", String::concat);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    InputStream chunked = new ChunkedStream(bytes, chunk);
    List<String> expected =
        lines.stream()
            .map(l -> new String(l.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
            .toList();
    assertEquals(expected, all(new LineReader(chunked, 1000)));
  }

  /** Random bytes never make it throw, and no returned line exceeds the limit. */
  @Property(tries = 2000)
  void randomBytesNeverBreakIt(
      @ForAll @Size(max = 400) byte[] bytes, @ForAll @IntRange(min = 1, max = 64) int max)
      throws Exception {
    LineReader r = new LineReader(new ChunkedStream(bytes, 13), max);
    for (String l = r.next(); l != null; l = r.next()) {
      if (l != LineReader.OVERSIZED) {
        assertEquals(true, l.getBytes(StandardCharsets.UTF_8).length <= max * 3, l);
      }
    }
  }

  /** Hands out at most {@code chunk} bytes per read, like a network stream. */
  private static final class ChunkedStream extends InputStream {
    private final byte[] bytes;
    private final int chunk;
    private int pos;

    ChunkedStream(byte[] bytes, int chunk) {
      this.bytes = bytes;
      this.chunk = chunk;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, chunk), bytes.length - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
