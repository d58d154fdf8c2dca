/** Classes that break the fixture rule on purpose, to show that {@code TestFixturesTest} fails. */
package dev.trellis.architecture.probe;
