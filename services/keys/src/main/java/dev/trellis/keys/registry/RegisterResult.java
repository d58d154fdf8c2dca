package dev.trellis.keys.registry;

/**
 * The answer of {@code POST /api/v1/internal/nodes/register}.
 *
 * @param nodeId the node's id (the same one when the machine re-authenticates)
 * @param name its MagicDNS name
 * @param keyExpiry when its node key expires (ISO-8601), or null when it does not
 * @param approved whether it may use the network now
 * @param created true for a new node, false for a re-authentication
 */
public record RegisterResult(
    String nodeId, String name, String keyExpiry, boolean approved, boolean created) {}
