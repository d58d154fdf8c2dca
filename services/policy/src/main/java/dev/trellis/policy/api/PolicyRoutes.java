package dev.trellis.policy.api;

import dev.trellis.policy.command.PolicyCommands;
import dev.trellis.policy.projection.CurrentPolicy;
import dev.trellis.policy.state.Tailnets;
import dev.trellis.policyengine.edit.PolicyEdits;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.IfMatch;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The policy admin API, with API tokens or web sessions: {@code GET /api/v1/policy?tailnet=T} (the
 * current text, version, sha256, updatedAt, updatedBy; version 0 and the default text when none was
 * set), {@code POST /api/v1/policy?tailnet=T} with the HuJSON text as body ({@code
 * application/hujson}, {@code text/plain} or {@code application/json}; optional {@code If-Match:
 * <version>}) and {@code POST /api/v1/policy/validate?tailnet=T} (a dry run). A refused text is a
 * 422 {@code POLICY_INVALID} or {@code POLICY_TESTS_FAILED} with {@code problems:[{line, column,
 * code, message}]}. Owners, admins and network admins may edit; anyone of the tailnet may read.
 *
 * <p>Thread-safety: handlers run on event loops and hand blocking work to {@link CommandThreads}.
 */
public final class PolicyRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final PolicyCommands commands;
  private final Tailnets tailnets;

  public PolicyRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      PolicyCommands commands,
      Tailnets tailnets) {
    this.auth = auth;
    this.threads = threads;
    this.commands = commands;
    this.tailnets = tailnets;
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.get("/api/v1/policy").handler(this::get);
    router.post("/api/v1/policy").handler(ctx -> edit(ctx, false));
    router.post("/api/v1/policy/validate").handler(ctx -> edit(ctx, true));
  }

  private void get(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    auth.respond(
        ctx,
        200,
        caller ->
            threads.run(
                () -> {
                  String id = tailnets.scope(caller, tailnet);
                  return view(id, commands.current(id).orElse(null));
                }));
  }

  private void edit(RoutingContext ctx, boolean dryRun) {
    String tailnet = ctx.queryParams().get("tailnet");
    auth.authenticate(ctx)
        .compose(
            caller -> {
              String text = body(ctx);
              Long ifMatch = ifMatch(ctx);
              return threads.run(
                  () -> {
                    String id = tailnets.scope(caller, tailnet);
                    requireEditor(caller, id);
                    return new Edited(
                        id,
                        dryRun
                            ? PolicyCommands.validate(text)
                            : commands.set(id, text, ifMatch, caller.actor()));
                  });
            })
        .onSuccess(edited -> reply(ctx, edited.tailnet(), edited.outcome()))
        .onFailure(ctx::fail);
  }

  private record Edited(String tailnet, PolicyCommands.Outcome outcome) {}

  private void reply(RoutingContext ctx, String tailnet, PolicyCommands.Outcome outcome) {
    switch (outcome) {
      case PolicyCommands.Refused r -> {
        List<Map<String, Object>> problems =
            r.problems().stream()
                .map(
                    p -> {
                      Map<String, Object> m = new LinkedHashMap<>();
                      m.put("line", p.getLine());
                      m.put("column", p.getColumn());
                      m.put("code", p.getCode());
                      m.put("message", p.getMessage());
                      return m;
                    })
                .toList();
        String first = problems.isEmpty() ? "" : " " + problems.getFirst().get("message");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", r.code().code());
        error.put("message", r.code().defaultMessage() + first);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("problems", problems);
        JsonBodies.reply(ctx, r.code().httpStatus(), body);
      }
      case PolicyCommands.Valid v ->
          JsonBodies.reply(
              ctx, 200, Map.of("valid", true, "problems", List.of(), "tests", v.tests()));
      case PolicyCommands.Saved s -> {
        Map<String, Object> body = view(tailnet, s.policy());
        body.put("previousVersion", s.previousVersion());
        body.put("changed", s.changed());
        JsonBodies.reply(ctx, 200, body);
      }
    }
  }

  private static Map<String, Object> view(String tailnet, CurrentPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tailnetId", tailnet);
    if (p == null) {
      m.put("text", Policy.DEFAULT_HUJSON);
      m.put("version", 0L);
      m.put("sha256", PolicyEdits.sha256(Policy.DEFAULT_HUJSON));
      m.put("updatedAt", null);
      m.put("updatedBy", null);
    } else {
      m.put("text", p.update().getHujson());
      m.put("version", p.update().getVersion());
      m.put("sha256", p.update().getSha256());
      m.put("updatedAt", p.updatedAt().toString());
      m.put(
          "updatedBy",
          p.updatedBy().getDisplay().isEmpty()
              ? p.updatedBy().getId()
              : p.updatedBy().getDisplay());
    }
    return m;
  }

  private static void requireEditor(Principal caller, String tailnet) {
    if (!caller.canEditNetwork(tailnet)) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN, "Editing the policy needs the owner, admin or network admin role.");
    }
  }

  private static String body(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/hujson")
        && !media.equals("text/plain")
        && !media.equals("application/json")) {
      throw ApiException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the policy as application/hujson or text/plain.");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw ApiException.of(ErrorCode.BAD_REQUEST, "The body must be the policy text.");
    }
    return new String(ctx.body().buffer().getBytes(), StandardCharsets.UTF_8);
  }

  static Long ifMatch(RoutingContext ctx) {
    return IfMatch.version(ctx, "a policy version number");
  }
}
