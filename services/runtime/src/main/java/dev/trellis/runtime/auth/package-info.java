/**
 * JWT verification against a JWKS (in memory or fetched over HTTP): signature with an allowed
 * algorithm and a key from the set, issuer, audience, expiry and not-before with clock skew. {@link
 * dev.trellis.runtime.auth.JwtVerifier} returns a {@link dev.trellis.runtime.auth.JwtResult}: the
 * claims, or a typed {@link dev.trellis.runtime.auth.JwtFailure}.
 */
package dev.trellis.runtime.auth;
