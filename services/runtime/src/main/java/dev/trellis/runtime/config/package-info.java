/**
 * Typed settings from command-line flags with environment-variable equivalents: a small declarative
 * parser ({@link dev.trellis.runtime.config.Flag}, {@link dev.trellis.runtime.config.FlagSet}), the
 * value types it understands ({@link dev.trellis.runtime.config.ValueType}), the settings every
 * service shares ({@link dev.trellis.runtime.config.Settings}) and the state-directory check
 * ({@link dev.trellis.runtime.config.StateDirectory}). Flags win over the environment; every bad
 * value yields a {@link dev.trellis.runtime.config.ConfigException} naming the flag or variable.
 */
package dev.trellis.runtime.config;
