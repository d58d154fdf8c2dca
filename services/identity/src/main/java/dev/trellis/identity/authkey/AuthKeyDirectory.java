package dev.trellis.identity.authkey;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.AuthKeyRecord;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads auth keys from identity's projection.
 *
 * <p>Thread-safety: thread-safe; calls block briefly on Hazelcast (use worker threads).
 */
public final class AuthKeyDirectory {
  private final IMap<String, byte[]> keys;

  public AuthKeyDirectory(HazelcastInstance hazelcast) {
    this.keys = hazelcast.getMap(StateMaps.AUTH_KEYS);
  }

  /** The key with this id. */
  public Optional<AuthKeyRecord> byId(String keyId) {
    return Optional.ofNullable(keys.get(keyId)).map(AuthKeyDirectory::parse);
  }

  /** The keys of a tailnet, oldest first. */
  public List<AuthKeyRecord> list(String tailnetId) {
    List<AuthKeyRecord> out = new ArrayList<>();
    for (byte[] raw : keys.values()) {
      AuthKeyRecord k = parse(raw);
      if (k.getTailnetId().equals(tailnetId)) {
        out.add(k);
      }
    }
    out.sort(
        Comparator.comparingLong((AuthKeyRecord k) -> k.getCreatedAt().getSeconds())
            .thenComparing(AuthKeyRecord::getKeyId));
    return out;
  }

  private static AuthKeyRecord parse(byte[] raw) {
    try {
      return AuthKeyRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored auth key record is unreadable.", e);
    }
  }
}
