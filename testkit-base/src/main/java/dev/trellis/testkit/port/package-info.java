/** Free TCP ports for tests: {@link dev.trellis.testkit.port.FreePorts}. */
package dev.trellis.testkit.port;
