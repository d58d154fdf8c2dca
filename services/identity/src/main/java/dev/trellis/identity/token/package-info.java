/**
 * API tokens: creating (scoped to a tailnet, a role never above the creator's, expiring), listing
 * and revoking.
 */
package dev.trellis.identity.token;
