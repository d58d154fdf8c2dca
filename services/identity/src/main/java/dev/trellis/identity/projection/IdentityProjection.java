package dev.trellis.identity.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.ApiTokenCreated;
import dev.trellis.proto.event.v1.ApiTokenRevoked;
import dev.trellis.proto.event.v1.DnsSettingsChanged;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.TailnetDeleted;
import dev.trellis.proto.event.v1.TailnetSettingsChanged;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.List;

/**
 * Projects the identity topic into the maps other services read (see {@link
 * dev.trellis.proto.state.StateMaps}): tailnets (with their settings and DNS settings) by id and by
 * name, API tokens by id, users (by id and by tailnet and email), which users' web sessions ended
 * early ({@link SessionFacts}), auth keys by id and the public signing keys by kid. Values are
 * protobuf records, so the state is the same whoever rebuilds it.
 *
 * <p>Thread-safety: stateless; applied on the projection runner's consumer thread.
 */
public final class IdentityProjection implements Projection {
  /** The projection's name; its maps are {@code identity.<map>}. */
  public static final String NAME = "identity";

  public static final String TAILNETS = "tailnets";
  public static final String TAILNET_NAMES = "tailnet-names";
  public static final String API_TOKENS = "api-tokens";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.IDENTITY);
  }

  @Override
  public void apply(LoggedEvent event, ProjectionMaps maps) {
    EventEnvelope e = event.envelope();
    String type = e.getType();
    SessionFacts.apply(e, type, maps);
    if (UserFacts.apply(e, type, maps) || KeyFacts.apply(e, type, maps)) {
      return;
    }
    if (type.equals(name(TailnetCreated.getDefaultInstance()))) {
      TailnetCreated created = Events.payload(e, TailnetCreated.getDefaultInstance());
      TailnetRecord record =
          TailnetRecord.newBuilder()
              .setTailnetId(e.getTailnetId())
              .setName(created.getName())
              .setCreatedAt(e.getTime())
              .setSettings(created.getSettings())
              .build();
      maps.<String, byte[]>map(TAILNETS).set(e.getTailnetId(), record.toByteArray());
      maps.<String, String>map(TAILNET_NAMES).set(created.getName(), e.getTailnetId());
    } else if (type.equals(name(TailnetSettingsChanged.getDefaultInstance()))) {
      TailnetSettingsChanged changed =
          Events.payload(e, TailnetSettingsChanged.getDefaultInstance());
      IMap<String, byte[]> tailnets = maps.map(TAILNETS);
      TailnetRecord current = read(tailnets.get(e.getTailnetId()), e);
      if (current != null) {
        tailnets.set(
            e.getTailnetId(),
            current.toBuilder().setSettings(changed.getSettings()).build().toByteArray());
      }
    } else if (type.equals(name(DnsSettingsChanged.getDefaultInstance()))) {
      DnsSettingsChanged changed = Events.payload(e, DnsSettingsChanged.getDefaultInstance());
      IMap<String, byte[]> tailnets = maps.map(TAILNETS);
      TailnetRecord current = read(tailnets.get(e.getTailnetId()), e);
      if (current != null) {
        tailnets.set(
            e.getTailnetId(),
            current.toBuilder()
                .setDns(changed.getSettings())
                .setDnsVersion(changed.getVersion())
                .build()
                .toByteArray());
      }
    } else if (type.equals(name(TailnetDeleted.getDefaultInstance()))) {
      IMap<String, byte[]> tailnets = maps.map(TAILNETS);
      TailnetRecord current = read(tailnets.remove(e.getTailnetId()), e);
      if (current != null) {
        maps.<String, String>map(TAILNET_NAMES).remove(current.getName());
      }
    } else if (type.equals(name(ApiTokenCreated.getDefaultInstance()))) {
      ApiTokenCreated created = Events.payload(e, ApiTokenCreated.getDefaultInstance());
      ApiTokenRecord.Builder record =
          ApiTokenRecord.newBuilder()
              .setTokenId(created.getTokenId())
              .setTailnetId(e.getTailnetId())
              .setTokenSha256(created.getTokenHash())
              .setRole(created.getRole())
              .setOwnerUserId(created.getOwnerUserId())
              .setDescription(created.getDescription())
              .setDeploymentAdmin(created.getDeploymentAdmin());
      if (created.hasExpiresAt()) {
        record.setExpiresAt(created.getExpiresAt());
      }
      maps.<String, byte[]>map(API_TOKENS).set(created.getTokenId(), record.build().toByteArray());
    } else if (type.equals(name(ApiTokenRevoked.getDefaultInstance()))) {
      ApiTokenRevoked revoked = Events.payload(e, ApiTokenRevoked.getDefaultInstance());
      IMap<String, byte[]> tokens = maps.map(API_TOKENS);
      byte[] raw = tokens.get(revoked.getTokenId());
      if (raw != null) {
        ApiTokenRecord current = parseToken(raw, e);
        if (current.getTailnetId().equals(e.getTailnetId())) {
          tokens.set(
              revoked.getTokenId(), current.toBuilder().setRevoked(true).build().toByteArray());
        }
      }
    }
  }

  private static String name(com.google.protobuf.Message m) {
    return m.getDescriptorForType().getFullName();
  }

  private static TailnetRecord read(byte[] raw, EventEnvelope e) {
    if (raw == null) {
      return null;
    }
    try {
      return TailnetRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException(
          "stored tailnet record unreadable at " + e.getEventId(), ex);
    }
  }

  private static ApiTokenRecord parseToken(byte[] raw, EventEnvelope e) {
    try {
      return ApiTokenRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException("stored token record unreadable at " + e.getEventId(), ex);
    }
  }

  /** Converts a stored timestamp for JSON output. */
  public static String iso(Timestamp t) {
    return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
