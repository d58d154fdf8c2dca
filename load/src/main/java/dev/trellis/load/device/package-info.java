/**
 * Benchmarks of a device as a user runs it: the command-line tools' start-up ({@link
 * dev.trellis.load.device.CliStartupBench}) and the daemon's memory footprint with peers and
 * traffic ({@link dev.trellis.load.device.FootprintBench}), against the shipped launchers and a
 * real server in network namespaces.
 */
package dev.trellis.load.device;
