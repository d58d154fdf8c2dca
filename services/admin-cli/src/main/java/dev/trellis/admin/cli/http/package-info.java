/**
 * The admin API client: HTTP with the JDK client, bearer-token resolution, NDJSON line splitting,
 * and the mapping of every failure to a clear message.
 */
package dev.trellis.admin.cli.http;
