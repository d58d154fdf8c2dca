package dev.trellis.coordinator.stream;

import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.netmap.TailnetView;
import dev.trellis.proto.control.v1.MapResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The frames a policy change means for the sessions of its tailnet, and only for the affected ones:
 * PeersAdded with the peers a node now sees, PeersRemoved with those it no longer sees, and
 * packet_filter_changed when its filter changed. Work is proportional to the sessions and the
 * change, not to the tailnet's pairs.
 *
 * <p>Thread-safety: stateless; called on the model's thread.
 */
final class PolicyFrames {
  private PolicyFrames() {}

  static void emit(
      ModelChange.PolicyChanged pc,
      Collection<MapSession> sessions,
      TailnetView t,
      NetmapFrames frames,
      Instant instant,
      long now) {
    // Devices with the same filter (a segment's) share one serialization of the frame.
    SharedFrame.Cache filters = new SharedFrame.Cache();
    for (MapSession s : sessions) {
      if (s.ended()) {
        continue;
      }
      NodeView viewer = t.nodes().get(s.nodeId());
      if (viewer == null) {
        continue;
      }
      Set<String> gone = pc.removed().getOrDefault(s.nodeId(), Set.of());
      if (!gone.isEmpty()) {
        s.emit(NetmapFrames.peersRemoved(gone), instant, now);
      }
      List<NodeView> added = new ArrayList<>();
      for (String id : pc.added().getOrDefault(s.nodeId(), Set.of())) {
        NodeView p = t.nodes().get(id);
        if (p != null) {
          added.add(p);
        }
      }
      if (!added.isEmpty()) {
        s.emit(frames.peersAdded(added, t), instant, now);
      }
      if (pc.filtersChanged().contains(s.nodeId())) {
        MapResponse f = frames.filterChanged(viewer, t);
        s.emit(filters.get(f, () -> f), instant, now);
      }
    }
  }
}
