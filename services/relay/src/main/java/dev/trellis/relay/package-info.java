/** The relay service. */
package dev.trellis.relay;
