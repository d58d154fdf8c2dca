package dev.trellis.identity.token;

import dev.trellis.identity.projection.IdentityProjection;
import dev.trellis.identity.user.Roles;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.runtime.access.ApiTokenText;

/**
 * An API token in responses: never the token, only its id and display prefix.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id the token id
 * @param prefix the display prefix
 * @param tailnetId the tailnet it is scoped to
 * @param role the role it acts with
 * @param ownerUserId the user who owns it
 * @param expiresAt ISO-8601 expiry, or null for none
 * @param revoked whether it was revoked
 * @param description what its creator said it is for (may be empty)
 */
public record TokenView(
    String id,
    String prefix,
    String tailnetId,
    String role,
    String ownerUserId,
    String expiresAt,
    boolean revoked,
    String description) {

  /** The view of {@code t}. */
  public static TokenView of(ApiTokenRecord t) {
    return new TokenView(
        t.getTokenId(),
        ApiTokenText.displayPrefix(t.getTokenId()),
        t.getTailnetId(),
        Roles.name(t.getRole()),
        t.getOwnerUserId(),
        t.hasExpiresAt() ? IdentityProjection.iso(t.getExpiresAt()) : null,
        t.getRevoked(),
        t.getDescription());
  }
}
