/**
 * The {@code replay} command: verify that projections rebuilt from the log equal the live state.
 */
package dev.trellis.admin.cli.command.replay;
