/** The auth key commands: create, list, revoke. */
package dev.trellis.admin.cli.command.authkeys;
