package dev.trellis.runtime.eventlog;

/** Where an appended event landed in the log. Immutable and thread-safe. */
public record Appended(String topic, int partition, long offset) {}
