package dev.trellis.agent.controlclient;

import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Keeps the netmap stream open: opens a channel, sends {@code MapRequest{stream=true}} (with the
 * last netmap version and resume token, so the coordinator can send only what was missed), and
 * hands every frame to the {@link Listener} (a full netmap sent in parts as one frame, once
 * complete). A channel that is silent for longer than {@link #SILENCE} (keepalives come every ~15
 * s) or that fails is dropped and reopened after a {@link Backoff}. {@code reauth_required} and
 * {@code logged_out} frames end the stream for good. Reports ({@code MapRequest{stream=false}}) go
 * out on the open channel through {@link #report}.
 *
 * <p>Thread-safety: runs on its own thread ("control-map"); {@link #report} and {@link #close} may
 * be called from any thread.
 */
public final class MapStream implements AutoCloseable {
  /** A stream this long without any frame is treated as dead. */
  public static final Duration SILENCE = Duration.ofSeconds(45);

  /** Receives the stream's frames and connection changes, on the stream's thread. */
  public interface Listener {
    void onFrame(MapResponse frame);

    void onConnected();

    void onDisconnected(String why);
  }

  private final ControlConnection.Opener opener;
  private final Supplier<MapRequest> request;
  private final Listener listener;
  private final Thread thread;
  private volatile boolean closed;
  private volatile ControlConnection current;

  /**
   * @param opener opens a channel to the coordinator
   * @param request builds the streaming request (called at every connect, so it carries the latest
   *     version, resume token, endpoints and host info)
   */
  public MapStream(
      ControlConnection.Opener opener, Supplier<MapRequest> request, Listener listener) {
    this.opener = opener;
    this.request = request;
    this.listener = listener;
    this.thread = Thread.ofPlatform().name("control-map").daemon().unstarted(this::run);
  }

  public MapStream start() {
    thread.start();
    return this;
  }

  /** Sends a report on the open channel; dropped (false) when not connected. */
  public boolean report(MapRequest report) {
    ControlConnection c = current;
    if (c == null) {
      return false;
    }
    try {
      c.send(ClientMessage.newBuilder().setMap(report.toBuilder().setStream(false)).build());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void run() {
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom());
    while (!closed) {
      String why;
      try (ControlConnection c = opener.open()) {
        current = c;
        if (closed) {
          return;
        }
        c.send(
            ClientMessage.newBuilder().setMap(request.get().toBuilder().setStream(true)).build());
        boolean first = true;
        NetmapAssembly assembly = new NetmapAssembly();
        while (!closed) {
          ServerMessage m = c.receive(SILENCE);
          if (m == null) {
            throw new IOException("no frame for " + SILENCE.toSeconds() + " s");
          }
          if (!m.hasMap()) {
            continue;
          }
          if (first) {
            first = false;
            backoff.reset();
            listener.onConnected();
          }
          MapResponse frame = assembly.add(m.getMap());
          if (frame == null) {
            continue; // more parts of a full netmap to come
          }
          listener.onFrame(frame);
          if (frame.hasReauthRequired() || frame.hasLoggedOut()) {
            closed = true;
            return;
          }
        }
        return;
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        why = e.getMessage();
      } finally {
        current = null;
      }
      if (closed) {
        return;
      }
      listener.onDisconnected(why);
      try {
        Thread.sleep(backoff.next());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the stream and closes its channel. */
  @Override
  public void close() {
    closed = true;
    ControlConnection c = current;
    if (c != null) {
      c.close();
    }
    thread.interrupt();
  }
}
