/**
 * Single sign-on per tailnet with OpenID Connect: authorization code with PKCE, {@code state} and
 * {@code nonce}, ID tokens verified against the provider's JWKS, first login creating the user.
 */
package dev.trellis.identity.oidc;
