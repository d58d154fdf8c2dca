package dev.trellis.runtime.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.DefinedTagsRecord;
import dev.trellis.runtime.http.ApiException;
import java.util.List;
import java.util.Set;

/**
 * Which tags a tailnet's policy defines in {@code tagOwners}, from the policy service's projection
 * ({@link StateMaps#DEFINED_TAGS}, read-only here), for the endpoints that put tags on nodes other
 * than registration (auth-key creation, retagging): a tag the policy does not define is refused
 * exactly as registration refuses it ("tag:x is not defined in tagOwners"), naming the field, so no
 * tag reaches a node or a key that no one owns. A tailnet without a policy defines no tag.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (not for event loops).
 */
public final class TagDefinitions {
  private final IMap<String, byte[]> defined;

  public TagDefinitions(HazelcastInstance hazelcast) {
    this.defined = hazelcast.getMap(StateMaps.DEFINED_TAGS);
  }

  /** The tags {@code tailnetId}'s policy defines. */
  public Set<String> of(String tailnetId) {
    byte[] raw = defined.get(tailnetId);
    if (raw == null) {
      return Set.of();
    }
    try {
      return Set.copyOf(DefinedTagsRecord.parseFrom(raw).getTagsList());
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored policy record is unreadable.", e);
    }
  }

  /**
   * Fails with {@code code} (a 403) naming {@code field[i]} and the tag when {@code tags} has one
   * that {@code tailnetId}'s policy does not define.
   */
  public void require(String tailnetId, List<String> tags, String field, ErrorCode code) {
    if (tags.isEmpty()) {
      return;
    }
    Set<String> known = of(tailnetId);
    for (int i = 0; i < tags.size(); i++) {
      if (!known.contains(tags.get(i))) {
        throw ApiException.field(
            code, field + "[" + i + "]", tags.get(i) + " is not defined in tagOwners");
      }
    }
  }
}
