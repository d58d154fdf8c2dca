/** The relay's TLS certificate (self-signed or from files) and SPKI pinning. */
package dev.trellis.relay.tls;
