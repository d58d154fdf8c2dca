/**
 * The network lab: {@link dev.trellis.netlab.NetLab} creates network namespaces, veth pairs,
 * bridges and processes under random names and removes exactly what it created; {@link
 * dev.trellis.netlab.VethPair} and {@link dev.trellis.netlab.BridgedLan} are the two topologies the
 * tests and benchmarks build on it; {@link dev.trellis.netlab.Command} runs a command with a
 * deadline.
 */
package dev.trellis.netlab;
