/** The API token commands: create, list, revoke. */
package dev.trellis.admin.cli.command.tokens;
