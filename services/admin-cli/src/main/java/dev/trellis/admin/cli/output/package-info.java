/** Human-readable output of trellis-admin: aligned tables and safe cell text. */
package dev.trellis.admin.cli.output;
