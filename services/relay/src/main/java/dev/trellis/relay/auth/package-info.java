/**
 * Node authorization against the key registry's projection, at connect time and while connected.
 */
package dev.trellis.relay.auth;
