/** The relay's flags and options. */
package dev.trellis.relay.config;
