/** The policy service. */
package dev.trellis.policy;
