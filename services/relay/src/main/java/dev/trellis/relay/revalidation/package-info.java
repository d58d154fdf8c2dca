/**
 * Keeping the devices connected to this instance authorized: it joins node authorization ({@code
 * relay.auth}) and the connected devices ({@code relay.forward}), so it sits above both.
 */
package dev.trellis.relay.revalidation;
