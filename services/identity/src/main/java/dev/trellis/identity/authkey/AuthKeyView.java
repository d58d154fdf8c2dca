package dev.trellis.identity.authkey;

import dev.trellis.identity.projection.IdentityProjection;
import dev.trellis.proto.state.v1.AuthKeyRecord;
import java.util.List;

/**
 * An auth key in responses: never the key, only its id and prefix.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the key id
 * @param prefix the display prefix
 * @param tailnetId the key's tailnet
 * @param reusable whether it registers more than one node
 * @param ephemeral whether its nodes are ephemeral
 * @param preapproved whether its nodes skip device approval
 * @param tags ACL tags given to its nodes
 * @param expiresAt ISO-8601 expiry
 * @param usageLimit 0 unlimited
 * @param useCount registrations so far
 * @param revoked whether it was revoked
 * @param creatorUserId the creating user
 * @param description free text
 * @param createdAt ISO-8601 creation time
 */
public record AuthKeyView(
    String id,
    String prefix,
    String tailnetId,
    boolean reusable,
    boolean ephemeral,
    boolean preapproved,
    List<String> tags,
    String expiresAt,
    int usageLimit,
    int useCount,
    boolean revoked,
    String creatorUserId,
    String description,
    String createdAt) {

  /** The view of {@code k}. */
  public static AuthKeyView of(AuthKeyRecord k) {
    return new AuthKeyView(
        k.getKeyId(),
        k.getPrefix(),
        k.getTailnetId(),
        k.getReusable(),
        k.getEphemeral(),
        k.getPreapproved(),
        List.copyOf(k.getTagsList()),
        IdentityProjection.iso(k.getExpiresAt()),
        k.getUsageLimit(),
        k.getUseCount(),
        k.getRevoked(),
        k.getCreatorUserId(),
        k.getDescription(),
        IdentityProjection.iso(k.getCreatedAt()));
  }
}
