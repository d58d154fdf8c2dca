/**
 * What every trellis-admin command builds on: the {@link dev.trellis.admin.cli.command.Command}
 * interface (one class per command, in a package per noun), the global options, the per-run
 * invocation context, and the request and table helpers the list, create and change commands share
 * ({@link dev.trellis.admin.cli.command.Answers}, {@link dev.trellis.admin.cli.command.RowFormat}).
 * The registry of every command is {@link dev.trellis.admin.cli.CommandRegistry}, above this
 * package, so that this package never depends on the commands built on it.
 */
package dev.trellis.admin.cli.command;
