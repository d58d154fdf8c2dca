/** The {@code audit} command: a tailnet's history, streamed as NDJSON and printed as it arrives. */
package dev.trellis.admin.cli.command.audit;
