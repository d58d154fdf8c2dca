/**
 * The command registry of trellis-admin: one {@link dev.trellis.admin.cli.command.Command} class
 * per command, the global options, and the per-run invocation context.
 */
package dev.trellis.admin.cli.command;
