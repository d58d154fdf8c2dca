/** The routes commands: list, approve, unapprove (subnet routers and exit nodes). */
package dev.trellis.admin.cli.command.routes;
