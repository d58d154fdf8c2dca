package dev.trellis.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the events one logger (and its children) emit through the real log4j2 pipeline.
 * Thread-safe.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final List<LogEvent> events = new CopyOnWriteArrayList<>();
  private final String loggerName;

  private LogCapture(String loggerName) {
    super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
    this.loggerName = loggerName;
  }

  public static LogCapture of(String loggerName) {
    LogCapture capture = new LogCapture(loggerName);
    capture.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    config.addAppender(capture);
    LoggerConfig logger = new LoggerConfig(loggerName, Level.INFO, true);
    logger.addAppender(capture, null, null);
    config.addLogger(loggerName, logger);
    ctx.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    events.add(event.toImmutable());
  }

  public List<String> messages(Level atLeast) {
    return events.stream()
        .filter(e -> e.getLevel().isMoreSpecificThan(atLeast))
        .map(e -> e.getMessage().getFormattedMessage())
        .toList();
  }

  public void clear() {
    events.clear();
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().removeLogger(loggerName);
    ctx.updateLoggers();
    stop();
  }
}
