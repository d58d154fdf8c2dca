/** The {@code tailnet} commands: create and list tailnets. */
package dev.trellis.admin.cli.command.tailnet;
