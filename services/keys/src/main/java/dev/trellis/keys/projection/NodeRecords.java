package dev.trellis.keys.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Reads and changes stored {@link NodeRecord}s inside the projection, where an unreadable record is
 * reported against the event being applied. A change is a compare-and-set, because instances apply
 * partitions of different topics (keys, coordinator) to the same record concurrently.
 *
 * <p>Thread-safety: stateless.
 */
final class NodeRecords {
  private NodeRecords() {}

  /** The record of {@code nodeId}, or null. */
  static NodeRecord get(IMap<String, byte[]> nodes, String nodeId, EventEnvelope e) {
    byte[] raw = nodes.get(nodeId);
    return raw == null ? null : parse(raw, nodeId, e);
  }

  /**
   * Replaces the record of {@code nodeId} with {@code change} of it, retrying when another writer
   * changed it meanwhile; returns false when there is no record.
   */
  static boolean modify(
      IMap<String, byte[]> nodes,
      String nodeId,
      EventEnvelope e,
      UnaryOperator<NodeRecord> change) {
    while (true) {
      byte[] raw = nodes.get(nodeId);
      if (raw == null) {
        return false;
      }
      byte[] after = change.apply(parse(raw, nodeId, e)).toByteArray();
      if (Arrays.equals(raw, after) || nodes.replace(nodeId, raw, after)) {
        return true;
      }
    }
  }

  private static NodeRecord parse(byte[] raw, String nodeId, EventEnvelope e) {
    try {
      return NodeRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException(
          "stored node record " + nodeId + " unreadable at " + e.getEventId(), ex);
    }
  }
}
