package dev.trellis.agent.localapi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one reply on the control socket: {@code key=value} lines, each flushed at once, ending
 * with an empty line. Replies to {@code up}, {@code down} and {@code logout} end with {@code
 * result=ok} or {@code result=error} plus {@code error_code=} and {@code message=}; a status reply
 * is an {@link AgentStatusCodec} text.
 *
 * <p>Thread-safety: synchronised; one reply per connection.
 */
public final class ReplyWriter {
  private final OutputStream out;

  public ReplyWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes one line (newlines in the value become spaces). */
  public synchronized void line(String key, String value) throws IOException {
    String v = value == null ? "" : value.replaceAll("[\\r\\n]", " ");
    out.write((key + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Writes pre-encoded text (which ends with its own empty line). */
  public synchronized void raw(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** {@code result=ok} and the final empty line. */
  public synchronized void ok() throws IOException {
    line("result", "ok");
    end();
  }

  /** {@code result=error}, the code and message, and the final empty line. */
  public synchronized void error(String code, String message) throws IOException {
    line("result", "error");
    line("error_code", code);
    line("message", message);
    end();
  }

  /** The final empty line. */
  public synchronized void end() throws IOException {
    out.write('\n');
    out.flush();
  }
}
