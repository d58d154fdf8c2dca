/** Time arguments of trellis-admin (absolute instants, dates, durations ago). */
package dev.trellis.admin.cli.time;
