/**
 * The AOT training run of the trellis CLI: the commands it runs and the canned daemon they run
 * against (see bin/build-aot-cache).
 */
package dev.trellis.agent.cli.training;
