package dev.trellis.coordinator.stream;

import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.PeerPatches;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One device's netmap stream: its version counter, resume token and a bounded buffer of the last
 * frames, so that a device reconnecting to the same instance within the detach window gets the
 * frames it missed instead of a new full netmap. While detached (no channel) the session keeps
 * receiving deltas into its buffer; if the buffer overflows it can no longer be resumed. The buffer
 * keeps frames serialized and is bounded in frames and in bytes ({@link #BUFFER_BYTES}), so a burst
 * of changes costs each session a few KB at most; a device that missed more gets a full.
 *
 * <p>Peer patches may be held back and coalesced ({@link #queuePatch}, {@link #flushPatches}): one
 * PeerPatches frame then carries every field change since the last flush, one patch per peer with
 * the newest value of each field. Any other frame flushes the held patches first, so the device
 * sees changes in order.
 *
 * <p>Thread-safety: not thread-safe; owned by the model's thread.
 */
final class MapSession {
  private final String token;
  private final byte[] tokenUtf8;
  private final String nodeId;
  private final String tailnetId;
  private final int bufferFrames;

  /** Serialized bytes the resume buffer may hold per session (beside its frame count bound). */
  static final int BUFFER_BYTES = 8 * 1024;

  private record Buffered(long version, StampedFrame frame) {}

  private final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
  private int bufferedBytes;
  private long version;
  private boolean resumable = true;
  private FrameSink sink;
  private long lastSentNanos;
  private long detachedAtNanos;
  private boolean ended;
  private final LinkedHashMap<String, PeerPatch> held = new LinkedHashMap<>();

  MapSession(String token, String nodeId, String tailnetId, int bufferFrames) {
    this.token = token;
    this.tokenUtf8 = token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.nodeId = nodeId;
    this.tailnetId = tailnetId;
    this.bufferFrames = bufferFrames;
  }

  String token() {
    return token;
  }

  String nodeId() {
    return nodeId;
  }

  String tailnetId() {
    return tailnetId;
  }

  long version() {
    return version;
  }

  boolean attached() {
    return sink != null;
  }

  boolean ended() {
    return ended;
  }

  long detachedAtNanos() {
    return detachedAtNanos;
  }

  long lastSentNanos() {
    return lastSentNanos;
  }

  void attach(FrameSink s, long nowNanos) {
    sink = s;
    lastSentNanos = nowNanos;
  }

  void detach(long nowNanos) {
    sink = null;
    detachedAtNanos = nowNanos;
  }

  /** Holds {@code patch} until {@link #flushPatches}, merged with any held for the same peer. */
  void queuePatch(PeerPatch patch) {
    held.merge(patch.getNodeId(), patch, MapSession::merge);
  }

  /** Whether patches are held. */
  boolean holdsPatches() {
    return !held.isEmpty();
  }

  /** Sends the held patches as one frame. */
  void flushPatches(Instant now, long nowNanos) {
    if (held.isEmpty()) {
      return;
    }
    MapResponse f =
        MapResponse.newBuilder()
            .setPeerPatches(PeerPatches.newBuilder().addAllPatches(held.values()))
            .build();
    held.clear();
    send(f, now, nowNanos);
  }

  /** {@code newer}'s set fields replace {@code older}'s (whole values, never merged inside). */
  static PeerPatch merge(PeerPatch older, PeerPatch newer) {
    PeerPatch.Builder b = older.toBuilder();
    if (newer.hasEndpoints()) {
      b.setEndpoints(newer.getEndpoints());
    }
    if (newer.hasHomeRelayRegion()) {
      b.setHomeRelayRegion(newer.getHomeRelayRegion());
    }
    if (newer.hasNodeKey()) {
      b.setNodeKey(newer.getNodeKey());
    }
    if (newer.hasDiscoKey()) {
      b.setDiscoKey(newer.getDiscoKey());
    }
    if (newer.hasOnline()) {
      b.setOnline(newer.getOnline());
    }
    if (newer.hasLastSeen()) {
      b.setLastSeen(newer.getLastSeen());
    }
    if (newer.hasKeyExpiry()) {
      b.setKeyExpiry(newer.getKeyExpiry());
    }
    if (newer.hasKeyExpired()) {
      b.setKeyExpired(newer.getKeyExpired());
    }
    return b.build();
  }

  /** Stamps {@code frame} with the next version and sends (or buffers) it, held patches first. */
  void emit(MapResponse frame, Instant now, long nowNanos) {
    emit(frame, null, now, nowNanos);
  }

  /** As {@link #emit(MapResponse, Instant, long)} for a frame many sessions get alike. */
  void emit(SharedFrame shared, Instant now, long nowNanos) {
    emit(shared.frame(), shared.body(), now, nowNanos);
  }

  private void emit(MapResponse frame, byte[] body, Instant now, long nowNanos) {
    if (!held.isEmpty()) {
      flushPatches(now, nowNanos);
      if (frame.hasKeepalive()) {
        return; // the patches just sent keep the stream alive
      }
    }
    send(frame, body, now, nowNanos);
  }

  private void send(MapResponse frame, Instant now, long nowNanos) {
    send(frame, null, now, nowNanos);
  }

  /**
   * {@code body}: {@code frame} serialized, when the caller shares it between sessions. The stamp
   * (version, token, time) is serialized on its own and appended: protobuf's encoding of a message
   * is the concatenation of its fields' encodings, so the bytes parse as the stamped frame, and a
   * frame sent to many sessions (a segment's packet filter) is serialized once, not per session.
   */
  private void send(MapResponse frame, byte[] body, Instant now, long nowNanos) {
    boolean keepalive = frame.hasKeepalive();
    if (!keepalive) {
      version++;
    }
    byte[] stamp = StampedFrame.stamp(version, tokenUtf8, now);
    StampedFrame stamped =
        new StampedFrame(frame, body != null ? body : frame.toByteArray(), stamp);
    if (!keepalive && !frame.hasFull()) {
      // Counted at full length although a shared body is held once: the bound stays the same
      // whether or not frames are shared.
      buffer.addLast(new Buffered(version, stamped));
      bufferedBytes += stamped.length();
      while (!buffer.isEmpty() && (buffer.size() > bufferFrames || bufferedBytes > BUFFER_BYTES)) {
        bufferedBytes -= buffer.removeFirst().frame().length();
      }
    } else if (frame.hasFull()) {
      buffer.clear();
      bufferedBytes = 0;
      resumable = true;
    }
    if (frame.hasLoggedOut() || frame.hasReauthRequired()) {
      ended = true;
    }
    if (sink != null) {
      sink.send(stamped);
      lastSentNanos = nowNanos;
      if (ended) {
        sink.ended();
      }
    } else if (buffer.size() >= bufferFrames) {
      resumable = false;
    }
  }

  /**
   * The buffered frames after {@code appliedVersion}, or null if they are not all here (the device
   * must get a new full netmap).
   */
  List<StampedFrame> since(long appliedVersion) {
    if (!resumable || ended || appliedVersion > version) {
      return null;
    }
    if (appliedVersion == version) {
      return List.of();
    }
    long oldest = buffer.isEmpty() ? version + 1 : buffer.peekFirst().version();
    if (appliedVersion + 1 < oldest) {
      return null;
    }
    List<StampedFrame> out = new ArrayList<>();
    for (Buffered f : buffer) {
      if (f.version() > appliedVersion) {
        out.add(f.frame());
      }
    }
    return out;
  }

  /** Sends already-stamped frames (a resume) to the newly attached sink. */
  void replay(List<StampedFrame> frames, long nowNanos) {
    for (StampedFrame f : frames) {
      sink.send(f);
    }
    lastSentNanos = nowNanos;
  }
}
