/**
 * Who is asking: API tokens checked against identity's projection in Hazelcast (the contract in
 * {@link dev.trellis.proto.state.StateMaps}), so every service authorizes requests without calling
 * the identity service; web sessions as bearer credentials or, from a browser, in the session
 * cookie with its CSRF checks ({@link dev.trellis.runtime.access.BrowserSession}).
 */
package dev.trellis.runtime.access;
