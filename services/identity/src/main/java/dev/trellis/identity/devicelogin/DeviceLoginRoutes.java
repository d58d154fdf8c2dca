package dev.trellis.identity.devicelogin;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.limit.WindowCounter;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.DeviceLoginCompleted;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The user's side of an interactive device registration. The agent shows {@code
 * <server>/login/device/<code>}; {@code GET} of that URL sends the browser to the console's device
 * page, which signs the user in (password, or single sign-on through {@code /login/oidc/start}) and
 * then, once the user confirms, sends {@code POST /api/v1/device-logins/<code>} with the session
 * (the bearer header, or the session cookie with its CSRF header), which appends {@code
 * DeviceLoginCompleted} for the signed-in user and their tailnet. The coordinator holding the
 * device's registration completes it.
 *
 * <p>The code alone grants nothing: only a valid session of an existing user approves it (checked
 * like every session, so a signed-out or revoked session approves nothing), and the device lands in
 * that user's tailnet. Only codes the coordinator issued and that are still pending ({@link
 * StateMaps#PENDING_DEVICE_LOGINS}) are approved, each once ({@code 404} for an unknown or expired
 * code, {@code 409} for one already approved: nothing reaches the log); a user approves at most
 * {@value #APPROVALS_PER_WINDOW} codes per {@link #WINDOW} across every instance ({@code 429}).
 *
 * <p>Thread-safety: handlers run on the event loop; verification and Hazelcast run on workers.
 */
public final class DeviceLoginRoutes {
  /** Approvals a user may make per window. */
  public static final int APPROVALS_PER_WINDOW = 10;

  /** The window of the approval limit. */
  public static final Duration WINDOW = Duration.ofMinutes(10);

  /** Codes approved (code to user id), so that a code is approved once. */
  static final String APPROVED = "identity-claims.device-logins";

  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final UserDirectory users;
  private final Events events;
  private final IdentityLog log;
  private final IMap<String, String> pending;
  private final IMap<String, String> approved;
  private final WindowCounter approvals;

  public DeviceLoginRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      UserDirectory users,
      Events events,
      IdentityLog log,
      Clock clock,
      HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.users = users;
    this.events = events;
    this.log = log;
    this.pending = hazelcast.getMap(StateMaps.PENDING_DEVICE_LOGINS);
    this.approved = hazelcast.getMap(APPROVED);
    this.approvals =
        new WindowCounter(hazelcast.getMap("identity-decisions.device-approvals"), clock, WINDOW);
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/login/device/:code").handler(this::page);
    router.get("/api/v1/device-logins/:code").handler(this::describe);
    router.post("/api/v1/device-logins/:code").handler(this::complete);
  }

  /**
   * What the coordinator knows of a pending device login, for the signed-in user about to approve
   * it: its node key, the hostname and OS it says it has (the device's own word, unverified), and
   * whether it is approved already (404 for an unknown or expired code).
   */
  private void describe(RoutingContext ctx) {
    String code = code(ctx);
    if (code == null) {
      return;
    }
    authenticator
        .authenticate(ctx)
        .compose(
            p ->
                vertx.executeBlocking(
                    () -> {
                      String entry = pending.get(code);
                      if (entry == null) {
                        throw ApiException.of(
                            ErrorCode.NOT_FOUND,
                            "This login link is unknown or expired; run the login again.");
                      }
                      JsonObject o = new JsonObject(entry);
                      Map<String, Object> body = new java.util.LinkedHashMap<>();
                      body.put("code", code);
                      body.put("nodeKey", o.getString("nodeKey", ""));
                      body.put("hostname", o.getString("hostname", ""));
                      body.put("os", o.getString("os", ""));
                      body.put(
                          "approved", o.getString("userId") != null || approved.containsKey(code));
                      return body;
                    },
                    false))
        .onSuccess(body -> JsonBodies.reply(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  private void page(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!CODE.matcher(code).matches()) {
      ctx.fail(ApiException.of(ErrorCode.NOT_FOUND, "This login link is not valid."));
      return;
    }
    // The console's device page signs in, shows the device and approves it.
    ctx.response()
        .setStatusCode(302)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Location", "/#/device/" + code)
        .end();
  }

  /** The path's device login code, or null after failing the request when it is not one. */
  private static String code(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!CODE.matcher(code).matches()) {
      ctx.fail(ApiException.field(ErrorCode.BAD_REQUEST, "code", "Not a device login code."));
      return null;
    }
    return code;
  }

  private void complete(RoutingContext ctx) {
    String code = code(ctx);
    if (code == null) {
      return;
    }
    authenticator
        .authenticate(ctx)
        .onSuccess(p -> ctx.put(ApiTokenAuthenticator.PRINCIPAL, p))
        .compose(p -> vertx.executeBlocking(() -> approve(p, code), false))
        .compose(e -> log.append(List.of(e)))
        .onSuccess(v -> JsonBodies.reply(ctx, 200, Map.of("status", "approved")))
        .onFailure(ctx::fail);
  }

  /** Decides the approval of {@code code} by {@code p}; the event to append. Blocks. */
  private dev.trellis.proto.event.v1.EventEnvelope approve(Principal p, String code) {
    if (!p.isSession()) {
      throw ApiException.of(
          ErrorCode.UNAUTHENTICATED, "A device login is approved by a signed-in user.");
    }
    UserRecord user =
        users
            .byId(p.ownerUserId())
            .orElseThrow(() -> ApiException.of(ErrorCode.UNAUTHENTICATED, "Sign in again."));
    String entry = pending.get(code);
    if (entry == null) {
      throw ApiException.of(
          ErrorCode.NOT_FOUND, "This login link is unknown or expired; run the login again.");
    }
    if (pendingApproved(entry) || approved.containsKey(code)) {
      throw ApiException.of(ErrorCode.CONFLICT, "This device login was already approved.");
    }
    if (approvals.add("user:" + user.getUserId()) > APPROVALS_PER_WINDOW) {
      throw ApiException.of(
          ErrorCode.RATE_LIMITED, "Too many device approvals; try again in a few minutes.");
    }
    if (approved.putIfAbsent(code, user.getUserId(), WINDOW.toSeconds(), TimeUnit.SECONDS)
        != null) {
      throw ApiException.of(ErrorCode.CONFLICT, "This device login was already approved.");
    }
    Actor actor =
        Actor.newBuilder()
            .setKind(Actor.Kind.USER)
            .setId(user.getUserId())
            .setDisplay(user.getEmail())
            .build();
    return events
        .draft(
            user.getTailnetId(),
            code,
            actor,
            DeviceLoginCompleted.newBuilder()
                .setCode(code)
                .setUserId(user.getUserId())
                .setLoginName(user.getEmail())
                .build())
        .subject("device login approved by " + user.getEmail())
        .build();
  }

  /** Whether the coordinator's entry already carries a user (approved and completed). */
  private static boolean pendingApproved(String entry) {
    try {
      return new JsonObject(entry).getString("userId") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
