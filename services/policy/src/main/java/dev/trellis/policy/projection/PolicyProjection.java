package dev.trellis.policy.projection;

import com.hazelcast.map.IMap;
import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.DefinedTagsRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.List;

/**
 * Projects {@code trellis.policy} into the current policy of each tailnet: map {@code
 * policy.current}, tailnet id to the bytes of the envelope of its latest {@code PolicyUpdated}
 * (which carries the full text, version and sha256, and in its envelope the time and the actor). A
 * {@code PolicyRejected} changes nothing. An update applies only if its version is above the stored
 * one, so a redelivered older event cannot roll the policy back, and a replay rebuilds the same
 * map. With it, map {@code policy.defined-tags} ({@link StateMaps#DEFINED_TAGS}): the tags the
 * policy defines in tagOwners, for services that refuse undefined tags without parsing policies.
 *
 * <p>Thread-safety: stateless; applied on the projection runner's consumer thread.
 */
public final class PolicyProjection implements Projection {
  /** The projection's name; its maps are {@code policy.<map>}. */
  public static final String NAME = "policy";

  /** Tailnet id to the envelope bytes of its current PolicyUpdated. */
  public static final String CURRENT = "current";

  /** Tailnet id to the {@code DefinedTagsRecord} of its current policy. */
  public static final String DEFINED_TAGS = "defined-tags";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.POLICY);
  }

  @Override
  public void apply(LoggedEvent event, ProjectionMaps maps) {
    EventEnvelope e = event.envelope();
    if (!e.getType().equals(PolicyUpdated.getDescriptor().getFullName())) {
      return;
    }
    PolicyUpdated p = Events.payload(e, PolicyUpdated.getDefaultInstance());
    IMap<String, byte[]> current = maps.map(CURRENT);
    byte[] old = current.get(e.getTailnetId());
    if (old != null && CurrentPolicy.parse(old).update().getVersion() >= p.getVersion()) {
      return;
    }
    current.set(e.getTailnetId(), e.toByteArray());
    List<String> tags =
        PolicyLoader.load(p.getHujson())
            .policy()
            .map(policy -> policy.tagOwners().keySet().stream().sorted().toList())
            .orElse(List.of());
    maps.<String, byte[]>map(DEFINED_TAGS)
        .set(
            e.getTailnetId(),
            DefinedTagsRecord.newBuilder()
                .addAllTags(tags)
                .setPolicyVersion(p.getVersion())
                .build()
                .toByteArray());
  }
}
