package dev.trellis.testkit.tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that needs root: it opens TUN devices, creates network namespaces or changes
 * links and routes. Tagged {@value Tags#ROOT}; such tests skip themselves (JUnit assumptions) when
 * not run as root, and the fast lane ({@code bin/test-fast}) leaves them out.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(Tags.ROOT)
public @interface RootTest {}
