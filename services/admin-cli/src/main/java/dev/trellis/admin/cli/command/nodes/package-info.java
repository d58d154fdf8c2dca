/** The nodes commands: list, show, rename, expire, delete, tag, approve. */
package dev.trellis.admin.cli.command.nodes;
