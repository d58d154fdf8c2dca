package dev.trellis.identity.audit;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.http.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The filters of one audit request, parsed from the query string: the tailnet (name or id; the
 * caller's own when absent, as every other list does), from when, which event type (full or short
 * name, e.g. {@code TailnetCreated}), which actor (id or display name), and whether to keep
 * following.
 *
 * <p>Thread-safety: immutable.
 *
 * @param tailnet the tailnet's name or id, as given, or null for the caller's own
 * @param since the earliest event time, or null for the beginning
 * @param type the event type filter, or null
 * @param actor the actor filter, or null
 * @param follow whether to keep the stream open for new events
 */
public record AuditQuery(String tailnet, Instant since, String type, String actor, boolean follow) {

  /** Parses the request's query parameters; 400 naming the parameter when one is malformed. */
  public static AuditQuery from(RoutingContext ctx) {
    String tailnet = blankToNull(ctx.queryParams().get("tailnet"));
    Instant since = null;
    String sinceText = ctx.queryParams().get("since");
    if (sinceText != null && !sinceText.isBlank()) {
      try {
        since = Instant.parse(sinceText);
      } catch (DateTimeParseException e) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST,
            "since",
            "Expected an ISO-8601 instant such as 2026-11-24T10:00:00Z.");
      }
    }
    String follow = ctx.queryParams().get("follow");
    if (follow != null && !follow.equals("true") && !follow.equals("false")) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "follow", "Expected true or false.");
    }
    return new AuditQuery(
        tailnet,
        since,
        blankToNull(ctx.queryParams().get("type")),
        blankToNull(ctx.queryParams().get("actor")),
        "true".equals(follow));
  }

  /** Whether {@code e} passes the type, actor and time filters (the tailnet is checked apart). */
  public boolean matches(EventEnvelope e) {
    if (since != null && e.getTime().getSeconds() < since.getEpochSecond()) {
      return false;
    }
    if (type != null) {
      String full = e.getType();
      String shortName = full.substring(full.lastIndexOf('.') + 1);
      if (!full.equalsIgnoreCase(type) && !shortName.equalsIgnoreCase(type)) {
        return false;
      }
    }
    if (actor != null) {
      String a = actor.toLowerCase(Locale.ROOT);
      return e.getActor().getId().toLowerCase(Locale.ROOT).equals(a)
          || e.getActor().getDisplay().toLowerCase(Locale.ROOT).equals(a);
    }
    return true;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
