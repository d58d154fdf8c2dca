/** An in-process Apache Kafka broker (KRaft) bound to loopback. */
package dev.trellis.kafka.embedded;
