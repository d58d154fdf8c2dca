package dev.trellis.identity.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the web admin console: {@code GET /} is its page, {@code /console/...} its files (plain
 * HTML, CSS and ES modules from the jar's {@code console/} resources, nothing from elsewhere).
 * Every answer carries a Content-Security-Policy that allows no inline script or style and no
 * framing, {@code nosniff}, no referrer, and {@code Cache-Control: no-cache} (the files are not
 * fingerprinted, so the browser revalidates them). The console is a client of the admin API only;
 * an unknown API path keeps its JSON 404.
 *
 * <p>Thread-safety: handlers run on the event loop; files are read by Vert.x's static handler.
 */
public final class ConsoleRoutes {
  /** The policy every console answer carries. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** The console's page. */
  public static final String INDEX = "/console/index.html";

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/").handler(ConsoleRoutes::headers).handler(ctx -> ctx.reroute(INDEX));
    router
        .route("/console/*")
        .handler(ConsoleRoutes::headers)
        .handler(
            StaticHandler.create("console")
                .setCachingEnabled(false)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setDefaultContentEncoding("UTF-8"));
  }

  /** The security and cache headers of every console answer. */
  static void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cache-Control", "no-cache");
    ctx.next();
  }
}
