/**
 * Packet routing between devices (locally or over the mesh) with per-source fair queues, and the
 * relay's counters.
 */
package dev.trellis.relay.forward;
