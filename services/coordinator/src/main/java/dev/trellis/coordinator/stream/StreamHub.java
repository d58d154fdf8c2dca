package dev.trellis.coordinator.stream;

import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.netmap.TailnetView;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The map sessions of this instance, indexed by tailnet, token and node: opens a stream (full
 * netmap, or the buffered frames of a resumed session), turns each model change into frames for the
 * sessions of that tailnet only, sends keepalives and forgets detached sessions after the resume
 * window.
 *
 * <p>Resume: a device presenting a resume token and netmap version to the instance that held its
 * stream, within the resume window and while the missed frames are still buffered, gets just those
 * frames; anywhere else it gets a fresh full netmap (and a new token).
 *
 * <p>Coalescing (when enabled): peer patches are held per session and sent by {@link #flush} as one
 * frame per session, so a burst of changes (a thousand devices coming online) costs each device one
 * frame per flush instead of one per change. The caller flushes every few tens of ms.
 *
 * <p>Thread-safety: not thread-safe; owned by the model's thread.
 */
public final class StreamHub {
  /** Why a stream could not be opened. */
  public enum Refusal {
    /** The node does not exist (removed or never registered). */
    NODE_NOT_FOUND,
    /** The node key is not the node's current one, or it expired or was revoked. */
    REAUTH
  }

  /** The result of {@link #open}: a session token, or a refusal. */
  public record Opened(String token, Refusal refusal) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<MapResponse.FrameCase, String> FRAME_KINDS = frameKinds();

  private final NetmapModel model;
  private final NetmapFrames frames;
  private final Clock clock;
  private final LongSupplier nanos;
  private final int bufferFrames;
  private final long keepaliveNanos;
  private final long resumeWindowNanos;
  private final Map<String, Map<String, MapSession>> byTailnet = new HashMap<>();
  private final Map<String, MapSession> byToken = new HashMap<>();
  private final Map<String, Set<MapSession>> byNode = new HashMap<>();
  private final Map<String, Long> framesSent = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<MapSession> holding = new java.util.LinkedHashSet<>();
  private boolean coalesce;

  public StreamHub(
      NetmapModel model,
      NetmapFrames frames,
      Clock clock,
      LongSupplier nanos,
      int bufferFrames,
      long keepaliveNanos,
      long resumeWindowNanos) {
    this.model = model;
    this.frames = frames;
    this.clock = clock;
    this.nanos = nanos;
    this.bufferFrames = bufferFrames;
    this.keepaliveNanos = keepaliveNanos;
    this.resumeWindowNanos = resumeWindowNanos;
  }

  /** Holds peer patches until {@link #flush} (true) or sends each at once (false, the default). */
  public StreamHub coalescePatches(boolean on) {
    coalesce = on;
    return this;
  }

  /** Sends every session's held patches (one frame each). */
  public void flush() {
    if (holding.isEmpty()) {
      return;
    }
    long now = nanos.getAsLong();
    var instant = clock.instant();
    for (MapSession s : holding) {
      s.flushPatches(instant, now);
    }
    holding.clear();
  }

  /**
   * Opens the stream of the node {@code nodeId} whose current key must be {@code nodeKey}; resumes
   * {@code resumeToken} at {@code appliedVersion} when it can.
   */
  public Opened open(NodeView node, FrameSink sink, String resumeToken, long appliedVersion) {
    long now = nanos.getAsLong();
    if (node.revoked() || node.expired()) {
      return new Opened(null, Refusal.REAUTH);
    }
    MapSession old = resumeToken.isEmpty() ? null : byToken.get(resumeToken);
    if (old != null && old.nodeId().equals(node.id()) && !old.attached()) {
      List<StampedFrame> missed = old.since(appliedVersion);
      if (missed != null) {
        old.attach(counting(sink), now);
        old.replay(missed, now);
        return new Opened(old.token(), null);
      }
    }
    if (old != null && old.nodeId().equals(node.id())) {
      forget(old);
    }
    MapSession s = new MapSession(newToken(), node.id(), node.tailnetId(), bufferFrames);
    byToken.put(s.token(), s);
    byTailnet.computeIfAbsent(node.tailnetId(), k -> new LinkedHashMap<>()).put(s.token(), s);
    byNode.computeIfAbsent(node.id(), k -> new java.util.HashSet<>()).add(s);
    s.attach(counting(sink), now);
    TailnetView t = model.tailnet(node.tailnetId());
    s.emit(
        MapResponse.newBuilder().setFull(frames.full(node, t, model.relayMap())).build(),
        clock.instant(),
        now);
    return new Opened(s.token(), null);
  }

  /** The channel of {@code token} closed; the session stays resumable for the window. */
  public void detach(String token) {
    MapSession s = byToken.get(token);
    if (s != null && s.attached()) {
      s.detach(nanos.getAsLong());
      if (s.ended()) {
        forget(s);
      }
    }
  }

  /** Whether any session of {@code nodeId} has a live channel here. */
  public boolean attached(String nodeId) {
    Set<MapSession> set = byNode.get(nodeId);
    if (set == null) {
      return false;
    }
    for (MapSession s : set) {
      if (s.attached()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Frames for every session {@code change} affects: sessions of its tailnet only, or every session
   * for a relay map change.
   */
  public void onChange(ModelChange change) {
    if (change instanceof ModelChange.RelayMapChanged) {
      SharedFrame f = SharedFrame.of(NetmapFrames.relayMapChanged(model.relayMap()));
      long now = nanos.getAsLong();
      var instant = clock.instant();
      for (MapSession s : byToken.values()) {
        if (!s.ended()) {
          s.emit(f, instant, now);
        }
      }
      return;
    }
    Map<String, MapSession> sessions = byTailnet.get(change.tailnetId());
    if (sessions == null || sessions.isEmpty()) {
      return;
    }
    TailnetView t = model.tailnet(change.tailnetId());
    List<MapSession> ended = new ArrayList<>();
    long now = nanos.getAsLong();
    var instant = clock.instant();
    if (change instanceof ModelChange.NodeChanged nc) {
      Collection<MapSession> affected =
          frames.viewersOf(nc).map(this::sessionsOf).orElse(sessions.values());
      for (MapSession s : affected) {
        NodeView viewer =
            s.nodeId().equals(nc.nodeId())
                ? (nc.after() != null ? nc.after() : nc.before())
                : t.nodes().get(s.nodeId());
        if (viewer == null) {
          continue;
        }
        for (MapResponse f : frames.delta(viewer, nc, t)) {
          if (coalesce && f.hasPeerPatches()) {
            f.getPeerPatches().getPatchesList().forEach(s::queuePatch);
            holding.add(s);
          } else {
            s.emit(f, instant, now);
          }
        }
        if (s.ended()) {
          ended.add(s);
        }
      }
      Set<String> filters = frames.filtersChangedBy(nc);
      if (!filters.isEmpty()) {
        SharedFrame.Cache shared = new SharedFrame.Cache();
        for (MapSession s : sessionsOf(filters)) {
          NodeView viewer = t.nodes().get(s.nodeId());
          if (viewer != null && !s.ended()) {
            MapResponse f = frames.filterChanged(viewer, t);
            s.emit(shared.get(f, () -> f), instant, now);
          }
        }
      }
    } else if (change instanceof ModelChange.PolicyChanged pc) {
      PolicyFrames.emit(pc, sessions.values(), t, frames, instant, now);
    } else if (change instanceof ModelChange.TailnetChanged tc) {
      SharedFrame f = SharedFrame.of(frames.dnsChanged(t));
      for (MapSession s : sessions.values()) {
        NodeView viewer = t.nodes().get(s.nodeId());
        if (tc.namesChanged() && viewer != null) {
          // Every node's name changed: a fresh full netmap (with the DNS config) is one frame
          // where deltas would be a replacement of self and of every peer.
          s.emit(
              MapResponse.newBuilder().setFull(frames.full(viewer, t, model.relayMap())).build(),
              instant,
              now);
        } else {
          s.emit(f, instant, now);
        }
      }
    }
    ended.forEach(this::forget);
  }

  /** The sessions held here of the nodes {@code ids}. */
  private Collection<MapSession> sessionsOf(Collection<String> ids) {
    List<MapSession> out = new ArrayList<>();
    for (String id : ids) {
      Set<MapSession> set = byNode.get(id);
      if (set != null) {
        out.addAll(set);
      }
    }
    return out;
  }

  /** Keepalives for quiet attached sessions, and forgets detached ones past the window. */
  public void tick() {
    long now = nanos.getAsLong();
    var instant = clock.instant();
    List<MapSession> stale = new ArrayList<>();
    for (MapSession s : byToken.values()) {
      if (s.attached()) {
        if (now - s.lastSentNanos() >= keepaliveNanos) {
          s.emit(
              MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build(),
              instant,
              now);
        }
      } else if (now - s.detachedAtNanos() >= resumeWindowNanos) {
        stale.add(s);
      }
    }
    stale.forEach(this::forget);
  }

  /** Sessions (attached or resumable) held here. */
  public int sessions() {
    return byToken.size();
  }

  /** Frames sent so far by kind (e.g. "full", "peers_added"); safe to read from any thread. */
  public Map<String, Long> framesSent() {
    return framesSent;
  }

  private FrameSink counting(FrameSink sink) {
    return new FrameSink() {
      @Override
      public void send(StampedFrame frame) {
        count(frame.frame());
        sink.send(frame);
      }

      @Override
      public void send(MapResponse frame, byte[] encoded) {
        count(frame);
        sink.send(frame, encoded);
      }

      private void count(MapResponse frame) {
        framesSent.merge(FRAME_KINDS.get(frame.getFrameCase()), 1L, Long::sum);
      }

      @Override
      public void ended() {
        sink.ended();
      }
    };
  }

  private void forget(MapSession s) {
    holding.remove(s);
    byToken.remove(s.token());
    Map<String, MapSession> t = byTailnet.get(s.tailnetId());
    if (t != null) {
      t.remove(s.token());
      if (t.isEmpty()) {
        byTailnet.remove(s.tailnetId());
      }
    }
    Set<MapSession> n = byNode.get(s.nodeId());
    if (n != null) {
      n.remove(s);
      if (n.isEmpty()) {
        byNode.remove(s.nodeId());
      }
    }
  }

  private static Map<MapResponse.FrameCase, String> frameKinds() {
    Map<MapResponse.FrameCase, String> m = new java.util.EnumMap<>(MapResponse.FrameCase.class);
    for (MapResponse.FrameCase c : MapResponse.FrameCase.values()) {
      m.put(c, c.name().toLowerCase(java.util.Locale.ROOT));
    }
    return m;
  }

  private static String newToken() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
