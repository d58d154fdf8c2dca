package dev.trellis.agent.controlclient;

import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.ServerMessage;
import java.io.IOException;
import java.time.Duration;

/**
 * One open, authenticated channel to the coordinator, carrying {@link ClientMessage}s out and
 * {@link ServerMessage}s in.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread (sends are serialised); {@link
 * #receive} from one thread at a time; {@link #close} from any thread.
 */
public interface ControlConnection extends AutoCloseable {
  /** Sends one message; throws {@link ChannelClosedException} if the channel has ended. */
  void send(ClientMessage message) throws IOException;

  /**
   * The next message, or {@code null} if none arrives within {@code timeout}; throws {@link
   * ChannelClosedException} once the channel has ended.
   */
  ServerMessage receive(Duration timeout) throws IOException, InterruptedException;

  /** Closes the channel; pending and later receives throw {@link ChannelClosedException}. */
  @Override
  void close();

  /** Opens connections (to one pinned coordinator, as one machine). */
  @FunctionalInterface
  interface Opener {
    ControlConnection open() throws IOException, InterruptedException;
  }
}
