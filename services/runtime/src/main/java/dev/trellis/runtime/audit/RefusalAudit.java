package dev.trellis.runtime.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.AccessRefused;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.BearerToken;
import dev.trellis.runtime.http.RefusalListener;
import dev.trellis.runtime.logging.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records security-relevant refusals of API requests as {@code AccessRefused} events on the {@code
 * trellis.access} topic, so {@code trellis-admin audit} shows attempts: missing, forged, expired or
 * revoked credentials (401), roles that do not allow an action (403), tailnets and resources an
 * authenticated caller may not see (404: cross-tenant lookups answer like unknown ones, but are
 * still recorded for the caller's own tailnet), too many attempts (429).
 *
 * <p>Who: the authenticated caller, else {@code ANONYMOUS} with the source address; the presented
 * API token's id when the text names one. Which tailnet: the caller's, else the presented token's,
 * else {@code "-"} (deployment administrators read those).
 *
 * <p>Counted and rate-limited, so refusals cannot flood the log: every refusal counts in {@code
 * trellis_access_refused_total{reason}}; like refusals (same tailnet, caller, token and reason)
 * share a {@link RefusalWindows window} whose first refusal is recorded at once and whose others
 * are recorded as one event with their count when the window closes. Appends are asynchronous and
 * never delay or change the answer.
 *
 * <p>Thread-safety: thread-safe; {@link #refused} is cheap and runs on event loops.
 */
public final class RefusalAudit implements RefusalListener {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);

  /** Codes recorded whoever asked. */
  private static final Set<ErrorCode> ALWAYS =
      EnumSet.of(
          ErrorCode.UNAUTHENTICATED,
          ErrorCode.TOKEN_INVALID,
          ErrorCode.TOKEN_EXPIRED,
          ErrorCode.TOKEN_REVOKED,
          ErrorCode.SIGNING_KEY_UNKNOWN,
          ErrorCode.FORBIDDEN,
          ErrorCode.RATE_LIMITED);

  /** Codes recorded when an authenticated caller gets them (lookups of what it may not see). */
  private static final Set<ErrorCode> FOR_CALLERS =
      EnumSet.of(
          ErrorCode.TAILNET_NOT_FOUND,
          ErrorCode.USER_NOT_FOUND,
          ErrorCode.NODE_NOT_FOUND,
          ErrorCode.NOT_FOUND);

  /** The tailnet of refusals that name none. */
  public static final String NO_TAILNET = "-";

  private final Vertx vertx;
  private final EventLog log;
  private final IMap<String, byte[]> tokens;
  private final Events events;
  private final String service;
  private final MeterRegistry meters;
  private final RefusalWindows windows;
  private final Counter failedAppends;
  private long timer = -1;

  public RefusalAudit(
      Vertx vertx,
      EventLog log,
      HazelcastInstance hazelcast,
      String service,
      MeterRegistry meters,
      Clock clock,
      Duration window) {
    this.vertx = vertx;
    this.log = log;
    this.tokens = hazelcast.getMap(StateMaps.API_TOKENS);
    this.events = new Events(clock);
    this.service = service;
    this.meters = meters;
    this.windows =
        new RefusalWindows(
            clock,
            window,
            Counter.builder("trellis_access_refusals_unrecorded_total")
                .description("Refusals counted but not recorded: too many open windows")
                .register(meters));
    this.failedAppends =
        Counter.builder("trellis_access_refusals_append_failed_total")
            .description("Refusal events the log did not take")
            .register(meters);
  }

  /** Starts closing windows every half window. */
  public RefusalAudit start() {
    timer = vertx.setPeriodic(Math.max(100, windows.window().toMillis() / 2), id -> flush(false));
    return this;
  }

  /** Stops the timer and records what every open window holds. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    flush(true);
  }

  /** Records {@code refusal} of {@code ctx} if it is security-relevant. */
  @Override
  public void refused(RoutingContext ctx, ApiException refusal) {
    Principal caller = ApiTokenAuthenticator.principalOf(ctx);
    ErrorCode code = refusal.code();
    if (!ALWAYS.contains(code) && !(caller != null && FOR_CALLERS.contains(code))) {
      return;
    }
    Counter.builder("trellis_access_refused_total")
        .description("API requests refused for a security reason, by reason")
        .tag("reason", code.code())
        .register(meters)
        .increment();
    String source =
        ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
    String tokenId =
        caller != null
            ? (caller.isSession() || caller.isService() ? "" : caller.tokenId())
            : BearerToken.from(ctx).flatMap(t -> ApiTokenText.tokenId(t.value())).orElse("");
    AccessRefused what =
        AccessRefused.newBuilder()
            .setReasonCode(code.code())
            .setHttpStatus(code.httpStatus())
            .setMethod(ctx.request().method().name())
            .setPath(LogText.safe(ctx.request().path() == null ? "" : ctx.request().path(), 256))
            .setSourceIp(source)
            .setTokenId(tokenId)
            .setService(service)
            .build();
    Actor actor =
        caller != null
            ? caller.actor()
            : Actor.newBuilder()
                .setKind(Actor.Kind.ANONYMOUS)
                .setId("source:" + source)
                .setDisplay(source)
                .build();
    tailnetOf(caller, tokenId)
        .onSuccess(tailnet -> windows.add(tailnet, actor, what).forEach(this::append))
        .onFailure(e -> LOG.debug("refusal not recorded: {}", e.toString()));
  }

  /** The tailnet a refusal belongs to: the caller's, the presented token's, or none. */
  private Future<String> tailnetOf(Principal caller, String tokenId) {
    if (caller != null) {
      return Future.succeededFuture(caller.tailnetId().isEmpty() ? NO_TAILNET : caller.tailnetId());
    }
    if (tokenId.isEmpty()) {
      return Future.succeededFuture(NO_TAILNET);
    }
    return Future.fromCompletionStage(tokens.getAsync(tokenId), vertx.getOrCreateContext())
        .map(
            raw -> {
              if (raw == null) {
                return NO_TAILNET;
              }
              try {
                return ApiTokenRecord.parseFrom(raw).getTailnetId();
              } catch (InvalidProtocolBufferException e) {
                return NO_TAILNET;
              }
            });
  }

  private void flush(boolean all) {
    windows.closed(all).forEach(this::append);
  }

  private void append(RefusalWindows.Record r) {
    AccessRefused payload = r.payload();
    String subject =
        "access refused: "
            + payload.getReasonCode()
            + " "
            + payload.getMethod()
            + " "
            + payload.getPath()
            + (payload.getCount() > 1 ? " (" + payload.getCount() + " times)" : "");
    var event =
        events.draft(r.tailnet(), r.actor().getId(), r.actor(), payload).subject(subject).build();
    log.append(Topics.ACCESS, event)
        .onFailure(
            e -> {
              failedAppends.increment();
              LOG.debug("refusal not recorded: {}", e.toString());
            });
  }
}
