package dev.trellis.testkit;

import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.access.ApiTokenText;

/**
 * Plays identity for the tests of services that read its records (the read-only contract of {@link
 * StateMaps}) while identity is not running: writes tailnets and API tokens straight into
 * identity's maps.
 *
 * <p>Thread-safety: stateless; Hazelcast maps are thread-safe.
 */
public final class IdentityRecords {
  private IdentityRecords() {}

  /** A new tailnet {@code net-<id>} with {@code settings}; returns its id. */
  public static String tailnet(HazelcastInstance hz, TailnetSettings settings) {
    String id = dev.trellis.runtime.access.TailnetLookup.newId();
    TailnetRecord r =
        TailnetRecord.newBuilder()
            .setTailnetId(id)
            .setName("net-" + id)
            .setCreatedAt(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
            .setSettings(settings)
            .build();
    hz.<String, byte[]>getMap(StateMaps.TAILNETS).set(id, r.toByteArray());
    hz.<String, String>getMap(StateMaps.TAILNET_NAMES).set(r.getName(), id);
    return id;
  }

  /**
   * A new API token of {@code tailnetId} ({@code ""} for none) with {@code role}, a deployment
   * administrator's if {@code deploymentAdmin}, owned by user {@code u-test} (written as an owner,
   * since a token dies with its owner and acts at most with its role); returns its text.
   */
  public static String token(
      HazelcastInstance hz, String tailnetId, UserRole role, boolean deploymentAdmin) {
    // The token's owner exists, as an owner: a token acts with its owner's current role.
    hz.<String, byte[]>getMap(StateMaps.USERS)
        .set(
            "u-test",
            UserRecord.newBuilder()
                .setUserId("u-test")
                .setEmail("owner@example.com")
                .setRole(UserRole.OWNER)
                .build()
                .toByteArray());
    String id = ApiTokenText.newTokenId();
    String text = ApiTokenText.generate(id);
    ApiTokenRecord r =
        ApiTokenRecord.newBuilder()
            .setTokenId(id)
            .setTailnetId(tailnetId)
            .setTokenSha256(ApiTokenText.sha256(text))
            .setRole(role)
            .setOwnerUserId("u-test")
            .setDeploymentAdmin(deploymentAdmin)
            .build();
    hz.<String, byte[]>getMap(StateMaps.API_TOKENS).set(id, r.toByteArray());
    return text;
  }
}
