package dev.trellis.runtime.config;

/**
 * The log output format: human-readable lines, or one JSON object per line for log shippers.
 *
 * <p>Thread-safety: immutable.
 */
public enum LogFormat {
  /** Human-readable lines (the default). */
  TEXT,
  /** One JSON object per line (log4j2 JsonTemplateLayout, ECS event template). */
  JSON
}
