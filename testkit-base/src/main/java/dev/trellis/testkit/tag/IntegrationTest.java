package dev.trellis.testkit.tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts something beyond its own objects: a Kafka broker, a Hazelcast
 * member, a Trellis service host or server, or a child process. Tagged {@value Tags#INTEGRATION};
 * the fast lane ({@code bin/test-fast}) leaves these out, the full run ({@code bin/test-all}) runs
 * them. A test that also needs root carries {@link RootTest} as well.
 *
 * <p>Tests of one object over loopback sockets in the same JVM (a codec against a socket, a client
 * against an in-process server) stay untagged: they need nothing but the JVM and take milliseconds.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(Tags.INTEGRATION)
public @interface IntegrationTest {}
