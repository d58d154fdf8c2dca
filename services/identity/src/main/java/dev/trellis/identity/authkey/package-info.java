/**
 * Auth keys for devices: created (one-off or reusable, ephemeral, preapproved, tagged, expiring,
 * optionally limited), listed, revoked, and used by the coordinator through an internal endpoint
 * whose use count is decided atomically in Hazelcast.
 */
package dev.trellis.identity.authkey;
