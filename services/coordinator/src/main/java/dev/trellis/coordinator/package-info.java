/** The coordinator service. */
package dev.trellis.coordinator;
