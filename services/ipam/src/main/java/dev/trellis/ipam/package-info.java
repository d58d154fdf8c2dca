/** The ipam service. */
package dev.trellis.ipam;
