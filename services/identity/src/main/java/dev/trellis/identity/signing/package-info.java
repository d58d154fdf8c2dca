/** Identity's token-signing keys (ES256), shared by its instances, and the public JWKS. */
package dev.trellis.identity.signing;
