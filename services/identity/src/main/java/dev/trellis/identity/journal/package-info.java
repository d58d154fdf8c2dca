/** Appending identity's events to the log with read-your-writes. */
package dev.trellis.identity.journal;
