package dev.trellis.keys.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.UnreadableEventException;

/**
 * Reads stored {@link NodeRecord}s inside the projection, where an unreadable record is reported
 * against the event being applied.
 *
 * <p>Thread-safety: stateless.
 */
final class NodeRecords {
  private NodeRecords() {}

  /** The record of {@code nodeId}, or null. */
  static NodeRecord get(IMap<String, byte[]> nodes, String nodeId, EventEnvelope e) {
    byte[] raw = nodes.get(nodeId);
    if (raw == null) {
      return null;
    }
    try {
      return NodeRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException(
          "stored node record " + nodeId + " unreadable at " + e.getEventId(), ex);
    }
  }
}
