/** Parsing of long options and positional arguments for trellis-admin, without any library. */
package dev.trellis.admin.cli.args;
