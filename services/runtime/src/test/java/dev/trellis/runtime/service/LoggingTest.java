package dev.trellis.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.LogFormat;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.rewrite.RewriteAppender;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bundled log4j2.xml: text by default, JSON lines when the format says so, quiet Kafka. */
class LoggingTest {
  @AfterEach
  void backToText() {
    Logging.use(LogFormat.TEXT);
  }

  /**
   * The root logger writes to the "safe" rewrite appender only; it passes events to the appender
   * the format selects, returned here by name.
   */
  private static Map<String, Appender> rootAppenders() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    var config = ctx.getConfiguration();
    var root = config.getRootLogger().getAppenders();
    assertEquals(java.util.Set.of("safe"), root.keySet());
    assertInstanceOf(RewriteAppender.class, root.get("safe"));
    String name = config.getStrSubstitutor().replace("${trellis.format}");
    return Map.of(name, config.getAppender(name));
  }

  @Test
  void textIsTheDefaultAndJsonCanBeSelected() {
    Logging.use(LogFormat.TEXT);
    assertEquals(java.util.Set.of("text"), rootAppenders().keySet());
    assertInstanceOf(PatternLayout.class, rootAppenders().get("text").getLayout());

    Logging.use(LogFormat.JSON);
    Appender json = rootAppenders().get("json");
    JsonTemplateLayout layout = assertInstanceOf(JsonTemplateLayout.class, json.getLayout());
    String line =
        layout.toSerializable(
            Log4jLogEvent.newBuilder()
                .setLoggerName("dev.trellis.test")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("node registered"))
                .build());
    JsonObject event = new JsonObject(line);
    assertEquals("node registered", event.getString("message"));
    assertEquals("INFO", event.getString("log.level"));
    assertEquals("dev.trellis.test", event.getString("log.logger"));
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line");
  }

  @Test
  void kafkaAndHazelcastAreQuiet() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    assertEquals(Level.WARN, ctx.getLogger("org.apache.kafka.clients.NetworkClient").getLevel());
    assertEquals(Level.WARN, ctx.getLogger("com.hazelcast.system").getLevel());
    assertEquals(Level.INFO, ctx.getLogger("dev.trellis.runtime").getLevel());
  }
}
