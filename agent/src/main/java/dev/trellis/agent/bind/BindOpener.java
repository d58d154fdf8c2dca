package dev.trellis.agent.bind;

import java.io.IOException;

/**
 * Opens the device's {@link Bind} on a UDP port; the device calls it again when its listen port
 * changes. Port 0 asks for any free port ({@link Bind#port()} then tells which).
 *
 * <p>Thread-safety: implementations must allow calls from any thread.
 */
@FunctionalInterface
public interface BindOpener {
  /** Opens a bind listening on {@code port} (0 for any free port). */
  Bind open(int port) throws IOException;
}
