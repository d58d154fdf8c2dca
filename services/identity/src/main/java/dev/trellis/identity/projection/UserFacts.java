package dev.trellis.identity.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.LoginSucceeded;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRemoved;
import dev.trellis.proto.event.v1.UserRoleChanged;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import dev.trellis.runtime.projection.ProjectionMaps;
import java.util.Locale;

/**
 * Applies user events to the users map (by id) and the user-emails map ({@code <tailnet>/<email>}
 * to id). Every write is a plain set computed from the event and the current record, so applying an
 * event twice leaves the same state.
 *
 * <p>Thread-safety: stateless; called on the projection runner's consumer thread.
 */
final class UserFacts {
  static final String USERS = "users";
  static final String USER_EMAILS = "user-emails";

  private UserFacts() {}

  /** The user-emails key of {@code email} in {@code tailnetId}. */
  static String emailKey(String tailnetId, String email) {
    return tailnetId + "/" + email.toLowerCase(Locale.ROOT);
  }

  /** Applies {@code e} if it is a user event; returns whether it was one. */
  static boolean apply(EventEnvelope e, String type, ProjectionMaps maps) {
    IMap<String, byte[]> users = maps.map(USERS);
    if (type.equals(UserCreated.getDescriptor().getFullName())) {
      UserCreated c = Events.payload(e, UserCreated.getDefaultInstance());
      UserRecord r =
          UserRecord.newBuilder()
              .setUserId(c.getUserId())
              .setTailnetId(e.getTailnetId())
              .setEmail(c.getEmail().toLowerCase(Locale.ROOT))
              .setDisplayName(c.getDisplayName())
              .setRole(c.getRole())
              .setLoginProvider(c.getLoginProvider())
              .setOidcSubject(c.getOidcSubject())
              .setCreatedAt(e.getTime())
              .build();
      users.set(c.getUserId(), r.toByteArray());
      maps.<String, String>map(USER_EMAILS)
          .set(emailKey(e.getTailnetId(), c.getEmail()), c.getUserId());
      return true;
    }
    if (type.equals(UserRoleChanged.getDescriptor().getFullName())) {
      UserRoleChanged c = Events.payload(e, UserRoleChanged.getDefaultInstance());
      UserRecord r = read(users.get(c.getUserId()), e);
      if (r != null && r.getTailnetId().equals(e.getTailnetId())) {
        users.set(c.getUserId(), r.toBuilder().setRole(c.getNewRole()).build().toByteArray());
      }
      return true;
    }
    if (type.equals(UserRemoved.getDescriptor().getFullName())) {
      UserRemoved c = Events.payload(e, UserRemoved.getDefaultInstance());
      UserRecord r = read(users.get(c.getUserId()), e);
      if (r != null && r.getTailnetId().equals(e.getTailnetId())) {
        users.delete(c.getUserId());
        maps.<String, String>map(USER_EMAILS).delete(emailKey(r.getTailnetId(), r.getEmail()));
      }
      return true;
    }
    if (type.equals(LoginSucceeded.getDescriptor().getFullName())) {
      LoginSucceeded c = Events.payload(e, LoginSucceeded.getDefaultInstance());
      UserRecord r = read(users.get(c.getUserId()), e);
      if (r != null && r.getTailnetId().equals(e.getTailnetId())) {
        users.set(c.getUserId(), r.toBuilder().setLastLoginAt(e.getTime()).build().toByteArray());
      }
      return true;
    }
    return false;
  }

  private static UserRecord read(byte[] raw, EventEnvelope e) {
    if (raw == null) {
      return null;
    }
    try {
      return UserRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException ex) {
      throw new UnreadableEventException("stored user record unreadable at " + e.getEventId(), ex);
    }
  }
}
