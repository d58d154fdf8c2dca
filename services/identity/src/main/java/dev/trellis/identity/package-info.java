/** The identity service. */
package dev.trellis.identity;
