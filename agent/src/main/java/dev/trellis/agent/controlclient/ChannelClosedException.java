package dev.trellis.agent.controlclient;

import java.io.IOException;

/**
 * The control channel ended: the server closed it, the network failed, or a record was refused. The
 * message says which.
 *
 * <p>Thread-safety: immutable.
 */
public final class ChannelClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ChannelClosedException(String message) {
    super(message);
  }

  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
