/** The users commands: list, invite, set-role, remove. */
package dev.trellis.admin.cli.command.users;
