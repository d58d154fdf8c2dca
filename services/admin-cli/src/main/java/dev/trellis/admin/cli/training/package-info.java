/**
 * The AOT training run of trellis-admin: the commands it runs and the canned admin API they run
 * against (see bin/build-aot-cache).
 */
package dev.trellis.admin.cli.training;
