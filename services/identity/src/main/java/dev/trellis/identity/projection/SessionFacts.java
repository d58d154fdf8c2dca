package dev.trellis.identity.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.PasswordSet;
import dev.trellis.proto.event.v1.SessionSignedOut;
import dev.trellis.proto.event.v1.UserRemoved;
import dev.trellis.proto.event.v1.UserRoleChanged;
import dev.trellis.proto.state.v1.SessionRevocationRecord;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import dev.trellis.runtime.projection.ProjectionMaps;

/**
 * Applies the events that end a user's web sessions to the session-revocations map (by user id,
 * {@link dev.trellis.proto.state.StateMaps#SESSION_REVOCATIONS}): a password set, a role change or
 * the user's removal ends every session issued until then ({@code not_before} = the event's time);
 * a sign-out ends one session, remembered until it would have expired (entries past their expiry at
 * the time of the next sign-out are dropped, so the record stays small and a replay rebuilds the
 * same one). Runs before {@link UserFacts}, which removes a removed user's record.
 *
 * <p>Thread-safety: stateless; called on the projection runner's consumer thread.
 */
final class SessionFacts {
  static final String SESSION_REVOCATIONS = "session-revocations";

  private SessionFacts() {}

  /** Applies {@code e} if it ends sessions. */
  static void apply(EventEnvelope e, String type, ProjectionMaps maps) {
    String userId = null;
    if (type.equals(PasswordSet.getDescriptor().getFullName())) {
      userId = Events.payload(e, PasswordSet.getDefaultInstance()).getUserId();
    } else if (type.equals(UserRoleChanged.getDescriptor().getFullName())) {
      userId = Events.payload(e, UserRoleChanged.getDefaultInstance()).getUserId();
    } else if (type.equals(UserRemoved.getDescriptor().getFullName())) {
      userId = Events.payload(e, UserRemoved.getDefaultInstance()).getUserId();
    } else if (type.equals(SessionSignedOut.getDescriptor().getFullName())) {
      signedOut(e, Events.payload(e, SessionSignedOut.getDefaultInstance()), maps);
      return;
    }
    if (userId == null || !inTailnet(userId, e, maps)) {
      return;
    }
    IMap<String, byte[]> map = maps.map(SESSION_REVOCATIONS);
    SessionRevocationRecord current = read(map.get(userId), e, userId);
    if (current.hasNotBefore() && Timestamps.compare(current.getNotBefore(), e.getTime()) >= 0) {
      return;
    }
    map.set(userId, current.toBuilder().setNotBefore(e.getTime()).build().toByteArray());
  }

  private static void signedOut(EventEnvelope e, SessionSignedOut s, ProjectionMaps maps) {
    if (!inTailnet(s.getUserId(), e, maps)) {
      return;
    }
    IMap<String, byte[]> map = maps.map(SESSION_REVOCATIONS);
    SessionRevocationRecord current = read(map.get(s.getUserId()), e, s.getUserId());
    SessionRevocationRecord.Builder next = current.toBuilder().clearEnded();
    Timestamp now = e.getTime();
    for (SessionRevocationRecord.EndedSession ended : current.getEndedList()) {
      if (Timestamps.compare(ended.getExpiresAt(), now) > 0
          && !ended.getSessionId().equals(s.getSessionId())) {
        next.addEnded(ended);
      }
    }
    next.addEnded(
        SessionRevocationRecord.EndedSession.newBuilder()
            .setSessionId(s.getSessionId())
            .setExpiresAt(s.getExpiresAt()));
    map.set(s.getUserId(), next.build().toByteArray());
  }

  /** Whether the user exists in the event's tailnet (events of another tailnet change nothing). */
  private static boolean inTailnet(String userId, EventEnvelope e, ProjectionMaps maps) {
    byte[] raw = maps.<String, byte[]>map(UserFacts.USERS).get(userId);
    if (raw == null) {
      return false;
    }
    try {
      return UserRecord.parseFrom(raw).getTailnetId().equals(e.getTailnetId());
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException("stored user record unreadable at " + e.getEventId(), ex);
    }
  }

  private static SessionRevocationRecord read(byte[] raw, EventEnvelope e, String userId) {
    if (raw == null) {
      return SessionRevocationRecord.newBuilder().setUserId(userId).build();
    }
    try {
      return SessionRevocationRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException(
          "stored session record unreadable at " + e.getEventId(), ex);
    }
  }
}
