package dev.trellis.keys.registry;

import java.util.List;

/**
 * The body of {@code POST /api/v1/internal/nodes/register} (see join-contract): the tailnet, the
 * device's public keys in their text forms, its host facts and what the auth key or login decided
 * (user, tags, ephemeral, pre-approval).
 *
 * @param tailnetId the tailnet the node joins
 * @param machineKey {@code mkey:<hex>}
 * @param nodeKey {@code nodekey:<hex>}
 * @param discoKey {@code discokey:<hex>}; may be null
 * @param oldNodeKey the node key the device had before, if it rotated it; may be null
 * @param hostname the device's hostname
 * @param os its operating system family
 * @param userId the owning user; empty for a tagged node
 * @param tags ACL tags from the auth key; may be null
 * @param ephemeral whether the node is ephemeral
 * @param authKeyId the auth key used; empty for an interactive login
 * @param preapproved whether the auth key was pre-approved
 * @param checkOnly check that the registration would be accepted, and register nothing (the
 *     coordinator asks before it uses a one-off auth key, so a refused registration never burns
 *     one)
 */
public record RegisterRequest(
    String tailnetId,
    String machineKey,
    String nodeKey,
    String discoKey,
    String oldNodeKey,
    String hostname,
    String os,
    String userId,
    List<String> tags,
    Boolean ephemeral,
    String authKeyId,
    Boolean preapproved,
    Boolean checkOnly) {}
