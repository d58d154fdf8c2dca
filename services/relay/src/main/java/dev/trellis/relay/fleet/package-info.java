/**
 * The relay fleet's events on trellis.relay: instance started, stopped, and declared dead by a
 * survivor.
 */
package dev.trellis.relay.fleet;
