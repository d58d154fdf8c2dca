package dev.trellis.load.control;

import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Times churn changes to the last device that applies them. A change (new endpoints, online or
 * offline of one node) is active from when it is made until every device that was streaming then
 * (and has not closed since) shows it in its own netmap; the observer looks at the changed peer in
 * a device's netmap after every frame that may carry it (patches, peers added, a full). A later
 * change of the same node supersedes nothing: the driver waits for a node's change to complete
 * before changing it again.
 *
 * <p>Thread-safety: thread-safe; the observer runs on the devices' event loops.
 */
final class ChangeTracker implements SimDevice.FrameObserver {
  /** What changed. */
  enum Kind {
    ENDPOINTS,
    ONLINE,
    OFFLINE
  }

  /** One change of node {@code subject} (a NodeIds index) and who must apply it. */
  static final class Change {
    final Kind kind;
    final int subject;
    final List<Endpoint> endpoints;
    final long madeAtNanos;
    private final BitSet expected;
    private int remaining;
    private long lastNanos;

    Change(Kind kind, int subject, List<Endpoint> endpoints, long madeAtNanos, BitSet expected) {
      this.kind = kind;
      this.subject = subject;
      this.endpoints = endpoints;
      this.madeAtNanos = madeAtNanos;
      this.expected = expected;
      this.remaining = expected.cardinality();
    }

    boolean shownBy(Node n) {
      return switch (kind) {
        case ENDPOINTS -> n.getEndpointsList().equals(endpoints);
        case ONLINE -> n.getOnline();
        case OFFLINE -> !n.getOnline();
      };
    }
  }

  /** A completed change: its kind and the time to the last device. */
  record Done(Kind kind, long nanos) {}

  private final ConcurrentHashMap<Integer, Change> active = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final Harness h;
  private final java.util.concurrent.atomic.AtomicLong affected =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger cancelled =
      new java.util.concurrent.atomic.AtomicInteger();

  ChangeTracker(Harness h) {
    this.h = h;
  }

  /** Starts tracking {@code c}; a change with nobody to reach completes at once. */
  void add(Change c) {
    affected.addAndGet(c.remaining);
    if (c.remaining == 0) {
      done.add(new Done(c.kind, 0));
      return;
    }
    active.put(c.subject, c);
  }

  boolean active(int subject) {
    return active.containsKey(subject);
  }

  int activeCount() {
    return active.size();
  }

  List<Done> done() {
    return List.copyOf(done);
  }

  /** Devices the changes added so far had to reach, summed over the changes. */
  long affected() {
    return affected.get();
  }

  /** The active change of node {@code subject}, described as {@link #incomplete} does, or "". */
  String describe(int subject) {
    Change c = active.get(subject);
    return c == null
        ? ""
        : c.kind + " of node " + c.subject + ": " + c.remaining + " devices missing";
  }

  /** Changes still active, e.g. "ENDPOINTS of node 12: 3 devices missing". */
  List<String> incomplete() {
    return active.values().stream()
        .map(c -> c.kind + " of node " + c.subject + ": " + c.remaining + " devices missing")
        .toList();
  }

  /** Device {@code deviceIndex} closed its channel: no active change waits for it any more. */
  void excuse(int deviceIndex) {
    for (Change c : active.values()) {
      synchronized (c) {
        if (c.expected.get(deviceIndex)) {
          c.expected.clear(deviceIndex);
          countDown(c, c.lastNanos);
        }
      }
    }
  }

  /**
   * Stops tracking the active change of node {@code subject}, if any, without a time: its device's
   * channel was dropped by a dying coordinator, which may have taken the change with it (an
   * endpoint report it never appended, an offline it never decided). Returns whether one was.
   */
  boolean cancel(int subject) {
    Change c = active.remove(subject);
    if (c != null) {
      cancelled.incrementAndGet();
      h.checks.touched(subject);
    }
    return c != null;
  }

  /** Changes {@link #cancel}led so far. */
  int cancelled() {
    return cancelled.get();
  }

  @Override
  public void applied(SimDevice d, MapResponse f, long nanos) {
    if (active.isEmpty()) {
      return;
    }
    switch (f.getFrameCase()) {
      case PEER_PATCHES -> {
        for (PeerPatch p : f.getPeerPatches().getPatchesList()) {
          look(d, h.ids.index(p.getNodeId()), nanos);
        }
      }
      case PEERS_ADDED -> {
        for (Node p : f.getPeersAdded().getPeersList()) {
          look(d, h.ids.index(p.getId()), nanos);
        }
      }
      case FULL -> active.keySet().forEach(i -> look(d, i, nanos));
      default -> {}
    }
  }

  private void look(SimDevice d, int subject, long nanos) {
    Change c = active.get(subject);
    if (c == null) {
      return;
    }
    Node n = d.peerUnderLock(subject);
    if (n == null || !c.shownBy(n)) {
      return;
    }
    synchronized (c) {
      if (c.expected.get(d.index)) {
        c.expected.clear(d.index);
        countDown(c, nanos);
      }
    }
  }

  /**
   * For changes still active after the run: devices whose netmap already shows the change, though
   * no frame the observer saw carried it while the change was tracked (it came before the change
   * was registered), are taken off the list without a time. Returns how many changes that
   * completed; they are left out of the latency figures.
   */
  int recheck(List<SimDevice> devices) {
    int settled = 0;
    for (Change c : List.copyOf(active.values())) {
      BitSet shown = new BitSet();
      for (SimDevice d : devices) {
        Node n = d.peerUnderLock(c.subject); // d's lock is never taken under c's
        if (n != null && c.shownBy(n)) {
          shown.set(d.index);
        }
      }
      synchronized (c) {
        for (int i = shown.nextSetBit(0); i >= 0; i = shown.nextSetBit(i + 1)) {
          if (c.expected.get(i)) {
            c.expected.clear(i);
            c.remaining--;
          }
        }
        if (c.remaining == 0 && active.remove(c.subject, c)) {
          h.checks.touched(c.subject);
          settled++;
        }
      }
    }
    return settled;
  }

  /** Called under c's lock after one expected device is off the list. */
  private void countDown(Change c, long nanos) {
    c.lastNanos = Math.max(c.lastNanos, nanos);
    if (--c.remaining == 0 && active.remove(c.subject, c)) {
      done.add(new Done(c.kind, Math.max(0, c.lastNanos - c.madeAtNanos)));
      h.checks.touched(c.subject);
    }
  }
}
