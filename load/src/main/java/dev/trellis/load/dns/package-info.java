/** DNS benchmark: one agent's resolver under load, for a tailnet name and a forwarded name. */
package dev.trellis.load.dns;
