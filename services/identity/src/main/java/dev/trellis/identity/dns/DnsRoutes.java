package dev.trellis.identity.dns;

import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.IfMatch;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A tailnet's DNS settings: {@code GET /api/v1/dns?tailnet=T} (anyone of the tailnet) and {@code
 * POST /api/v1/dns?tailnet=T} with the fields to change (owners, admins and network admins; {@code
 * If-Match: <version>} makes it conditional). Without {@code tailnet}, the caller's own. Both
 * answer with the settings (see {@link DnsView}). Another tailnet's settings answer 404, exactly as
 * a tailnet that does not exist.
 *
 * <p>Thread-safety: handlers run on the event loop and hand blocking work to {@link
 * CommandThreads}.
 */
public final class DnsRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final TailnetDirectory tailnets;
  private final DnsCommands commands;

  public DnsRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      TailnetDirectory tailnets,
      DnsCommands commands) {
    this.auth = auth;
    this.threads = threads;
    this.tailnets = tailnets;
    this.commands = commands;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/api/v1/dns").handler(this::get);
    router.post("/api/v1/dns").handler(this::change);
  }

  private void get(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    auth.respond(
        ctx,
        200,
        caller ->
            threads.run(
                () ->
                    DnsView.of(
                        tailnets.byId(tailnets.scope(caller, tailnet, false)).orElseThrow())));
  }

  private void change(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    auth.authenticate(ctx)
        .compose(
            caller -> {
              DnsRequest req = JsonBodies.read(ctx, DnsRequest.class);
              Long ifMatch = IfMatch.version(ctx, "a DNS settings version number");
              return threads.run(
                  () -> {
                    String id = tailnets.scope(caller, tailnet, false);
                    requireEditor(caller, id);
                    return DnsView.of(commands.change(id, req, ifMatch, caller.actor()));
                  });
            })
        .onSuccess(v -> JsonBodies.reply(ctx, 200, v))
        .onFailure(ctx::fail);
  }

  private static void requireEditor(Principal caller, String tailnet) {
    if (!caller.canEditNetwork(tailnet)) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN, "Changing DNS needs the owner, admin or network admin role.");
    }
  }
}
