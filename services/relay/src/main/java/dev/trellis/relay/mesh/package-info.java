/**
 * Relay instances finding and reaching each other: node-key presence in Hazelcast and authenticated
 * instance-to-instance links.
 */
package dev.trellis.relay.mesh;
