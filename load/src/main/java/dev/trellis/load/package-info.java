/** Benchmark and load programs. */
package dev.trellis.load;
