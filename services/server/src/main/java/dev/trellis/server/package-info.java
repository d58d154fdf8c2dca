/** The all-in-one server and the single-service launcher. */
package dev.trellis.server;
