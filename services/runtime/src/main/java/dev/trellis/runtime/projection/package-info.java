/**
 * Projections of the event log into Hazelcast IMaps: {@link
 * dev.trellis.runtime.projection.ProjectionRunner} keeps live maps up to date (idempotently, with
 * its position stored next to the state), {@link dev.trellis.runtime.projection.ProjectionVerifier}
 * rebuilds them by replay into fresh maps and names every difference.
 */
package dev.trellis.runtime.projection;
