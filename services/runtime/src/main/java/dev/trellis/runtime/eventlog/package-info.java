/**
 * The Kafka event log: appending {@link dev.trellis.proto.event.v1.EventEnvelope}s, consuming them
 * in consumer groups (at least once, skipping unreadable records), and replaying or following a
 * topic from the beginning, an offset or a time. Entry point: {@link
 * dev.trellis.runtime.eventlog.EventLog}; envelopes are built with {@link
 * dev.trellis.runtime.eventlog.Events}.
 */
package dev.trellis.runtime.eventlog;
