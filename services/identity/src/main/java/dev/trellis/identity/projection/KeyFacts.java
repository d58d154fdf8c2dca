package dev.trellis.identity.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.AuthKeyCreated;
import dev.trellis.proto.event.v1.AuthKeyRevoked;
import dev.trellis.proto.event.v1.AuthKeyUsed;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.SigningKeyRotated;
import dev.trellis.proto.state.v1.AuthKeyRecord;
import dev.trellis.proto.state.v1.SigningKeyRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import dev.trellis.runtime.projection.ProjectionMaps;

/**
 * Applies auth-key and signing-key events to the auth-keys map (by key id) and the signing-keys map
 * (by kid, public halves only). Idempotent: a use sets the count the event carries.
 *
 * <p>Thread-safety: stateless; called on the projection runner's consumer thread.
 */
final class KeyFacts {
  static final String AUTH_KEYS = "auth-keys";
  static final String SIGNING_KEYS = "signing-keys";

  private KeyFacts() {}

  /** Applies {@code e} if it is a key event; returns whether it was one. */
  static boolean apply(EventEnvelope e, String type, ProjectionMaps maps) {
    IMap<String, byte[]> keys = maps.map(AUTH_KEYS);
    if (type.equals(AuthKeyCreated.getDescriptor().getFullName())) {
      AuthKeyCreated c = Events.payload(e, AuthKeyCreated.getDefaultInstance());
      AuthKeyRecord r =
          AuthKeyRecord.newBuilder()
              .setKeyId(c.getKeyId())
              .setTailnetId(e.getTailnetId())
              .setKeyHash(c.getKeyHash())
              .setPrefix(c.getPrefix())
              .setReusable(c.getReusable())
              .setEphemeral(c.getEphemeral())
              .setPreapproved(c.getPreapproved())
              .addAllTags(c.getTagsList())
              .setExpiresAt(c.getExpiresAt())
              .setUsageLimit(c.getUsageLimit())
              .setCreatorUserId(c.getCreatorUserId())
              .setDescription(c.getDescription())
              .setCreatedAt(e.getTime())
              .build();
      keys.set(c.getKeyId(), r.toByteArray());
      return true;
    }
    if (type.equals(AuthKeyUsed.getDescriptor().getFullName())) {
      AuthKeyUsed c = Events.payload(e, AuthKeyUsed.getDefaultInstance());
      AuthKeyRecord r = read(keys.get(c.getKeyId()), e);
      if (r != null && r.getTailnetId().equals(e.getTailnetId())) {
        int count = Math.max(r.getUseCount(), c.getUseCount());
        keys.set(c.getKeyId(), r.toBuilder().setUseCount(count).build().toByteArray());
      }
      return true;
    }
    if (type.equals(AuthKeyRevoked.getDescriptor().getFullName())) {
      AuthKeyRevoked c = Events.payload(e, AuthKeyRevoked.getDefaultInstance());
      AuthKeyRecord r = read(keys.get(c.getKeyId()), e);
      if (r != null && r.getTailnetId().equals(e.getTailnetId())) {
        keys.set(c.getKeyId(), r.toBuilder().setRevoked(true).build().toByteArray());
      }
      return true;
    }
    if (type.equals(SigningKeyRotated.getDescriptor().getFullName())) {
      SigningKeyRotated c = Events.payload(e, SigningKeyRotated.getDefaultInstance());
      IMap<String, byte[]> signing = maps.map(SIGNING_KEYS);
      signing.set(
          c.getKid(),
          SigningKeyRecord.newBuilder()
              .setKid(c.getKid())
              .setPublicJwkJson(c.getPublicJwkJson())
              .setAlgorithm(c.getAlgorithm())
              .setActivatedAt(e.getTime())
              .build()
              .toByteArray());
      if (!c.getPreviousKid().isEmpty() && c.hasPreviousValidUntil()) {
        byte[] raw = signing.get(c.getPreviousKid());
        if (raw != null) {
          try {
            SigningKeyRecord prev = SigningKeyRecord.parseFrom(raw);
            signing.set(
                c.getPreviousKid(),
                prev.toBuilder().setValidUntil(c.getPreviousValidUntil()).build().toByteArray());
          } catch (InvalidProtocolBufferException ex) {
            throw new UnreadableEventException("stored signing key unreadable", ex);
          }
        }
      }
      return true;
    }
    return false;
  }

  private static AuthKeyRecord read(byte[] raw, EventEnvelope e) {
    if (raw == null) {
      return null;
    }
    try {
      return AuthKeyRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException(
          "stored auth key record unreadable at " + e.getEventId(), ex);
    }
  }
}
