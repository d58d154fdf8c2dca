package dev.trellis.testkit;

import dev.trellis.testkit.tag.IntegrationTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class whose methods take a {@link ClusterFixture} parameter: it runs with {@link
 * ClusterExtension} (one shared cluster per fixture type and test JVM, a failure for any test
 * during which an event loop blocked) and is an {@link IntegrationTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@IntegrationTest
@ExtendWith(ClusterExtension.class)
public @interface ClusterTest {}
