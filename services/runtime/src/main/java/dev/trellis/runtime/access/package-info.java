/**
 * Who is asking: API tokens checked against identity's projection in Hazelcast (the contract in
 * {@link dev.trellis.proto.state.StateMaps}), so every service authorizes requests without calling
 * the identity service.
 */
package dev.trellis.runtime.access;
