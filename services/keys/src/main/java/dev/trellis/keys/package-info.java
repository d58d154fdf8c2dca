/** The keys service. */
package dev.trellis.keys;
