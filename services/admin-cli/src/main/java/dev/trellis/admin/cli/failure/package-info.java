/**
 * The expected failures of trellis-admin, each mapped to a one-line message and an exit code (1 for
 * server and connection failures, 2 for usage errors). Anything else is a bug and may show a trace.
 */
package dev.trellis.admin.cli.failure;
