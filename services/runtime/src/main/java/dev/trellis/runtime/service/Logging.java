package dev.trellis.runtime.service;

import dev.trellis.runtime.config.LogFormat;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Switches the log output format at startup. The bundled {@code log4j2.xml} picks its appender from
 * the system property {@code trellis.log.format} (else {@code TRELLIS_LOG_FORMAT}); {@link #use}
 * sets the property from the {@code --log-format} flag and reconfigures log4j2.
 *
 * <p>Thread-safety: call once at startup, before services start logging heavily.
 */
public final class Logging {
  /** The system property the log4j2 configuration reads. */
  public static final String PROPERTY = "trellis.log.format";

  private Logging() {}

  /** Selects {@code format} for every logger of the process. */
  public static void use(LogFormat format) {
    System.setProperty(PROPERTY, format.name().toLowerCase(Locale.ROOT));
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      context.reconfigure();
    }
  }
}
