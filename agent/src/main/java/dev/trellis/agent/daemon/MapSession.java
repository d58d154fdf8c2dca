package dev.trellis.agent.daemon;

import dev.trellis.agent.controlclient.ControlConnection;
import dev.trellis.agent.controlclient.ControlServerUrl;
import dev.trellis.agent.controlclient.MapStream;
import dev.trellis.agent.controlclient.WebSocketChannel;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.function.Supplier;

/**
 * The lifecycle of the netmap stream: starts a {@link MapStream} to the pinned coordinator for the
 * current registration, stops it, and hands the frames of the current stream only to a {@link
 * FrameSink} (a stream that was stopped may still deliver a frame; it is dropped). A {@code
 * reauth_required} or {@code logged_out} frame ends the stream for good: the session is no longer
 * open once it arrives. Connection changes show in the {@link BackendPhase} message.
 *
 * <p>Thread-safety: the stream and its generation are guarded by {@code this}; frames are handed
 * over on the stream's "control-map" thread, without the lock; {@link #start}, {@link #stop} and
 * {@link #report} may be called from any thread.
 */
final class MapSession implements AutoCloseable {
  /** Receives the frames of the current stream, on its thread. */
  interface FrameSink {
    void onFrame(MapResponse frame) throws IOException;
  }

  private final HttpClient http;
  private final Supplier<MapRequest> request;
  private final FrameSink sink;
  private final BackendPhase phase;
  private final PrintStream log;
  private MapStream stream; // guarded by this
  private long generation; // guarded by this; which stream's frames count

  /**
   * @param request builds the streaming request at every connect (see {@link MapStream})
   */
  MapSession(
      HttpClient http,
      Supplier<MapRequest> request,
      FrameSink sink,
      BackendPhase phase,
      PrintStream log) {
    this.http = http;
    this.request = request;
    this.sink = sink;
    this.phase = phase;
    this.log = log;
  }

  /** Starts a stream for {@code s}'s registration with its pinned control key. */
  synchronized void start(AgentState s) {
    ControlServerUrl url = ControlServerUrl.parse(s.loginServer());
    ControlConnection.Opener opener =
        () -> WebSocketChannel.open(http, url, s.machineKey(), s.controlKey());
    generation++;
    stream = new MapStream(opener, request, new Frames(generation)).start();
  }

  /** Stops the stream, if any, and closes its channel. */
  void stop() {
    MapStream old;
    synchronized (this) {
      old = stream;
      stream = null;
      generation++;
    }
    if (old != null) {
      old.close();
    }
  }

  /** Whether a stream runs (started, not stopped, not ended by the control plane). */
  synchronized boolean isOpen() {
    return stream != null;
  }

  /** Sends {@code report} on the open stream; false when there is none or it is not connected. */
  boolean report(MapRequest report) {
    MapStream s;
    synchronized (this) {
      s = stream;
    }
    return s != null && s.report(report);
  }

  @Override
  public void close() {
    stop();
  }

  /** The listener of one stream: passes on its frames while it is the current one. */
  private final class Frames implements MapStream.Listener {
    private final long generation;

    Frames(long generation) {
      this.generation = generation;
    }

    @Override
    public void onFrame(MapResponse frame) {
      synchronized (MapSession.this) {
        if (generation != MapSession.this.generation) {
          return; // a frame of a stream that was already stopped
        }
        if (frame.hasReauthRequired() || frame.hasLoggedOut()) {
          stream = null; // it ends itself after this frame
        }
      }
      try {
        sink.onFrame(frame);
      } catch (IOException | RuntimeException e) {
        log.println("trellisd: cannot apply the netmap: " + e.getMessage());
        phase.message("cannot apply the netmap: " + e.getMessage());
      }
    }

    @Override
    public void onConnected() {
      synchronized (MapSession.this) {
        if (generation == MapSession.this.generation) {
          phase.clearControlMessage();
        }
      }
    }

    @Override
    public void onDisconnected(String why) {
      synchronized (MapSession.this) {
        if (generation == MapSession.this.generation) {
          phase.message("control: reconnecting (" + why + ")");
        }
      }
    }
  }
}
