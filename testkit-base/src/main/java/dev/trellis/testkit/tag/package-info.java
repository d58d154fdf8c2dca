/**
 * The test tags: {@link dev.trellis.testkit.tag.IntegrationTest} and {@link
 * dev.trellis.testkit.tag.RootTest}, which the fast lane excludes and the full run includes.
 */
package dev.trellis.testkit.tag;
