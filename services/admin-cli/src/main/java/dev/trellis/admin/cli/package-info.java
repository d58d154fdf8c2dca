/** trellis-admin, the operator's command line. */
package dev.trellis.admin.cli;
