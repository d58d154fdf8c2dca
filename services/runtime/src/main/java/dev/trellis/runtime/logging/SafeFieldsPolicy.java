package dev.trellis.runtime.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.Message;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.ReadOnlyStringMap;
import org.apache.logging.log4j.util.SortedArrayStringMap;

/**
 * Makes every field of every log event safe before any layout writes it, whatever the format (text
 * or JSON) and whoever logged (Trellis, Vert.x, Kafka, Hazelcast): each message parameter, each
 * structured key-value (the {@code trellis.events} fields) and each exception message in a cause
 * chain goes through {@link LogText} with the field limit, then the whole message with the message
 * limit. Events with nothing to change are passed on as they are.
 *
 * <p>Configured in {@code log4j2.xml} as the policy of the {@code Rewrite} appender in front of the
 * console: {@code <SafeFields maxFieldLength="512" maxMessageLength="8192"/>}.
 *
 * <p>Thread-safety: immutable; called concurrently by logging threads.
 */
@Plugin(
    name = "SafeFields",
    category = Core.CATEGORY_NAME,
    elementType = "rewritePolicy",
    printObject = true)
public final class SafeFieldsPolicy implements RewritePolicy {
  /** Default longest logged field (a parameter, a key-value, an exception message). */
  public static final int DEFAULT_MAX_FIELD = 512;

  /** Default longest logged message. */
  public static final int DEFAULT_MAX_MESSAGE = 8192;

  private static final int MAX_CAUSES = 16;

  private final int maxField;
  private final int maxMessage;

  private SafeFieldsPolicy(int maxField, int maxMessage) {
    this.maxField = maxField;
    this.maxMessage = maxMessage;
  }

  /** The policy with the given limits (the plugin factory). */
  @PluginFactory
  public static SafeFieldsPolicy create(
      @PluginAttribute(value = "maxFieldLength", defaultInt = DEFAULT_MAX_FIELD) int maxField,
      @PluginAttribute(value = "maxMessageLength", defaultInt = DEFAULT_MAX_MESSAGE)
          int maxMessage) {
    return new SafeFieldsPolicy(Math.max(16, maxField), Math.max(64, maxMessage));
  }

  @Override
  public LogEvent rewrite(LogEvent source) {
    Message message = source.getMessage();
    String text = message == null ? "" : message.getFormattedMessage();
    String safeText = LogText.safe(formatSafely(message, text), maxMessage);
    ReadOnlyStringMap data = source.getContextData();
    SortedArrayStringMap safeData = safeContext(data);
    Throwable thrown = source.getThrown();
    Throwable safeThrown = thrown == null ? null : SafeThrowable.of(thrown, maxField, MAX_CAUSES);
    if (safeText.equals(text) && safeData == null && safeThrown == thrown) {
      return source;
    }
    Log4jLogEvent.Builder b =
        new Log4jLogEvent.Builder(source).setMessage(new SimpleMessage(safeText));
    if (safeData != null) {
      b.setContextData(safeData);
    }
    if (safeThrown != thrown) {
      b.setThrown(safeThrown).setThrownProxy(null);
    }
    return b.build();
  }

  /** The message formatted from parameters made safe one by one (so each is capped alone). */
  private String formatSafely(Message message, String formatted) {
    if (message == null) {
      return formatted;
    }
    Object[] params = message.getParameters();
    String format = message.getFormat();
    if (params == null || params.length == 0 || format == null || format.equals(formatted)) {
      return formatted;
    }
    Object[] safe = new Object[params.length];
    boolean changed = false;
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Throwable || p == null) {
        safe[i] = p;
        continue;
      }
      String value = ParameterizedMessage.deepToString(p);
      String escaped = LogText.safe(value, maxField);
      changed |= !escaped.equals(value);
      safe[i] = escaped;
    }
    if (!changed || !format.contains("{}")) {
      return formatted;
    }
    return ParameterizedMessage.format(format, safe);
  }

  /** The context data with every value made safe, or null when nothing needs it. */
  private SortedArrayStringMap safeContext(ReadOnlyStringMap data) {
    if (data == null || data.isEmpty()) {
      return null;
    }
    SortedArrayStringMap out = new SortedArrayStringMap(data.size());
    boolean[] changed = {false};
    data.forEach(
        (key, value) -> {
          String v = value == null ? null : String.valueOf(value);
          String safeKey = LogText.safe(key, 64);
          String safeValue = v == null ? null : LogText.safe(v, maxField);
          changed[0] |= !safeKey.equals(key) || (v != null && !safeValue.equals(v));
          out.putValue(safeKey, safeValue);
        });
    return changed[0] ? out : null;
  }

  /** The limits, for diagnostics. */
  @Override
  public String toString() {
    return "SafeFields[maxFieldLength=" + maxField + ", maxMessageLength=" + maxMessage + "]";
  }

  /** Identity set used to stop at cause cycles. */
  static Set<Throwable> seen() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
