package dev.trellis.identity.user;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads users from identity's projection: by id, by tailnet and email, or a tailnet's list.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (use worker threads).
 */
public final class UserDirectory {
  private final IMap<String, byte[]> users;
  private final IMap<String, String> emails;

  public UserDirectory(HazelcastInstance hazelcast) {
    this.users = hazelcast.getMap(StateMaps.USERS);
    this.emails = hazelcast.getMap(StateMaps.USER_EMAILS);
  }

  /** The key of {@code email} in the user-emails map. */
  public static String emailKey(String tailnetId, String email) {
    return tailnetId + "/" + email.strip().toLowerCase(Locale.ROOT);
  }

  /** The user with this id. */
  public Optional<UserRecord> byId(String userId) {
    return Optional.ofNullable(users.get(userId)).map(UserDirectory::parse);
  }

  /** The user with this email in this tailnet. */
  public Optional<UserRecord> byEmail(String tailnetId, String email) {
    String id = emails.get(emailKey(tailnetId, email));
    return id == null ? Optional.empty() : byId(id).filter(u -> u.getTailnetId().equals(tailnetId));
  }

  /** The user {@code userId} if {@code caller} may read its tailnet; 404 otherwise. */
  public UserRecord visible(Principal caller, String userId) {
    return byId(userId)
        .filter(u -> caller.canRead(u.getTailnetId()))
        .orElseThrow(() -> ApiException.of(ErrorCode.USER_NOT_FOUND));
  }

  /** The users of a tailnet, oldest first. */
  public List<UserRecord> list(String tailnetId) {
    List<UserRecord> out = new ArrayList<>();
    for (byte[] raw : users.values()) {
      UserRecord u = parse(raw);
      if (u.getTailnetId().equals(tailnetId)) {
        out.add(u);
      }
    }
    out.sort(
        Comparator.comparingLong((UserRecord u) -> u.getCreatedAt().getSeconds())
            .thenComparing(UserRecord::getEmail));
    return out;
  }

  private static UserRecord parse(byte[] raw) {
    try {
      return UserRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored user record is unreadable.", e);
    }
  }
}
