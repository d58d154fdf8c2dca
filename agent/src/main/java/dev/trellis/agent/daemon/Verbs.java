package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's local API: each verb's {@link RequestHandler}, and the dispatch of a request to its
 * handler (an unknown verb gets {@code BAD_REQUEST}). Verbs that change the daemon's lifecycle
 * ({@code up}, {@code down}, {@code logout}) are added with {@link #addSerialized}: at most one of
 * them runs at a time, while the others ({@code status}, {@code ping}, ...) run beside them. A
 * feature adds its verbs here (and to {@link Request}'s grammar) instead of growing the daemon.
 *
 * <p>Thread-safety: thread-safe; requests arrive on one thread per connection, concurrently.
 */
public final class Verbs implements RequestHandler {
  private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
  private final Object lifecycleLock = new Object();

  /** Answers {@code verb} with {@code handler}, beside any other request. */
  public Verbs add(String verb, RequestHandler handler) {
    if (handlers.putIfAbsent(verb, handler) != null) {
      throw new IllegalArgumentException("the verb " + verb + " has a handler already");
    }
    return this;
  }

  /** Answers {@code verb} with {@code handler}, never beside another serialised verb. */
  public Verbs addSerialized(String verb, RequestHandler handler) {
    return add(
        verb,
        (r, out) -> {
          synchronized (lifecycleLock) {
            handler.handle(r, out);
          }
        });
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    RequestHandler h = handlers.get(r.verb());
    if (h == null) {
      out.error("BAD_REQUEST", "unknown request " + r.verb());
      return;
    }
    h.handle(r, out);
  }
}
