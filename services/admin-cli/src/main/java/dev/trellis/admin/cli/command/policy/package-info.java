/** The policy commands: get, set FILE, validate FILE. */
package dev.trellis.admin.cli.command.policy;
