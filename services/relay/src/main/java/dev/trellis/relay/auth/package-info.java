/**
 * Node authorization against the key registry's projection: at connect time, and for {@code
 * relay.revalidation} while connected.
 */
package dev.trellis.relay.auth;
