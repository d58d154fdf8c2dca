package dev.trellis.agent.localapi;

import java.io.IOException;

/**
 * Answers the daemon's control-socket requests (everything but {@code get}). A handler writes its
 * reply as {@code key=value} lines through {@link ReplyWriter}; interim lines (an interactive
 * login's {@code auth_url}) reach the client as soon as they are written.
 *
 * <p>Thread-safety: implementations are called on one thread per connection, concurrently.
 */
@FunctionalInterface
public interface RequestHandler {
  void handle(Request request, ReplyWriter reply) throws IOException;
}
