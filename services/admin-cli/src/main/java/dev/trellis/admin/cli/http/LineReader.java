package dev.trellis.admin.cli.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines (NDJSON): a line ends at {@code \n}, a trailing {@code \r} is
 * removed, bytes are decoded as UTF-8 (malformed bytes become U+FFFD). A line longer than the limit
 * is not buffered: its bytes are skipped to the next newline and it is reported as {@link
 * #OVERSIZED}, so a hostile server cannot exhaust the CLI's memory. Each line is returned as soon
 * as its newline arrives.
 *
 * <p>Not thread-safe: one reader per stream, used by one thread.
 */
public final class LineReader {
  /** Returned in place of a line that exceeded the limit. */
  public static final String OVERSIZED = new String("<oversized line>");

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int end;

  public LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The next line, {@link #OVERSIZED} (compare by identity) for a line over the limit, or null at
   * the end of the stream. A last line without a newline is returned too.
   */
  public String next() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    boolean oversized = false;
    while (true) {
      if (pos == end) {
        end = in.read(buf);
        pos = 0;
        if (end <= 0) {
          end = 0;
          if (oversized) {
            return OVERSIZED;
          }
          return line.size() == 0 ? null : decode(line);
        }
      }
      int nl = pos;
      while (nl < end && buf[nl] != '\n') {
        nl++;
      }
      int n = nl - pos;
      if (!oversized) {
        if (line.size() + n > maxLineBytes) {
          oversized = true;
          line.reset();
        } else {
          line.write(buf, pos, n);
        }
      }
      pos = nl;
      if (nl < end) {
        pos++; // consume the newline
        return oversized ? OVERSIZED : decode(line);
      }
    }
  }

  private static String decode(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
