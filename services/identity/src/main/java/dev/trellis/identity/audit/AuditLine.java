package dev.trellis.identity.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.proto.event.EventJson;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;

/**
 * One event as one line of the audit stream (NDJSON): time, tailnet, type, subject, actor, event
 * id, where it sits in the log (topic, partition, offset), and the decoded payload. Payloads never
 * hold secrets (the event schemas carry digests and prefixes only).
 *
 * <p>Thread-safety: stateless.
 */
public final class AuditLine {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditLine() {}

  /** The JSON line for {@code event}, without the trailing newline. */
  public static String of(LoggedEvent event) {
    EventEnvelope e = event.envelope();
    ObjectNode out = MAPPER.createObjectNode();
    out.put("time", Events.time(e).toString());
    out.put("tailnet", e.getTailnetId());
    out.put("type", e.getType());
    out.put("subject", e.getSubject());
    ObjectNode actor = out.putObject("actor");
    actor.put("kind", e.getActor().getKind().name());
    actor.put("id", e.getActor().getId());
    actor.put("display", e.getActor().getDisplay());
    out.put("eventId", e.getEventId());
    out.put("topic", event.topic());
    out.put("partition", event.partition());
    out.put("offset", event.offset());
    try {
      JsonNode full = MAPPER.readTree(EventJson.print(e));
      out.set("payload", full.get("payload"));
      if (full.has("payload_error")) {
        out.set("payloadError", full.get("payload_error"));
      }
      return MAPPER.writeValueAsString(out);
    } catch (JsonProcessingException ex) {
      out.put("payloadError", "unprintable payload");
      return out.toString();
    }
  }
}
