package dev.trellis.relay.server;

import dev.trellis.proto.relay.Frames;
import dev.trellis.relay.tls.RelayCertificate;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One listener of the relay port on one event loop (the service deploys one per core, all sharing
 * the port): answers {@code GET /relay/v1} and {@code GET /relay/v1/mesh} upgrades ({@code Upgrade:
 * trellis-relay}, 101, then raw frames) and refuses anything else with a plain HTTP error. The
 * instance's {@link dev.trellis.runtime.http.ConnectionGuard} bounds the TLS handshake, the request
 * headers and the connections per source (a connection that never speaks is closed); after the
 * upgrade the session's own proof deadline and keepalives take over. A periodic sweep sends
 * keepalives and closes devices whose key expired; dead connections are found by the keepalives'
 * writes and TCP keepalive (devices need not send anything while idle).
 *
 * <p>Thread-safety: a verticle; its state is confined to its event loop.
 */
public final class RelayListener extends VerticleBase {
  private final Sessions s;
  private final RelayCertificate certificate;
  private final int port;
  private final Set<DeviceSession> sessions = Collections.newSetFromMap(new ConcurrentHashMap<>());
  private HttpServer server;
  private long sweep = -1;

  /** A listener on {@code port} (0 = any) serving TLS with {@code certificate} (null = plain). */
  public RelayListener(Sessions sessions, RelayCertificate certificate, int port) {
    this.s = sessions;
    this.certificate = certificate;
    this.port = port;
  }

  /** The port it listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    var options =
        s.guard()
            .options(
                new HttpServerOptions()
                    .setHost(s.options().bindHost())
                    .setPort(port)
                    .setTcpNoDelay(true)
                    .setTcpKeepAlive(true)
                    .setIdleTimeout(0)
                    .setMaxInitialLineLength(1024)
                    .setMaxHeaderSize(8192));
    if (certificate != null) {
      options.setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(certificate.keyManagers()));
      if (io.vertx.core.net.OpenSSLEngineOptions.isAvailable()) {
        // BoringSSL (netty-tcnative) when present: less CPU and memory per connection than the
        // JDK's SSLEngine; the JDK's is the fallback.
        options.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
      }
    }
    server = s.guard().attach(vertx.createHttpServer(options), this::onRequest);
    long every = Math.max(250, s.options().keepalive().toMillis() / 4);
    sweep = vertx.setPeriodic(every, id -> sweep());
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweep);
    for (DeviceSession d : new HashSet<>(sessions)) {
      d.close("the relay is shutting down");
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void onRequest(HttpServerRequest req) {
    String upgrade = req.getHeader("Upgrade");
    boolean upgrading = upgrade != null && upgrade.equalsIgnoreCase(Frames.UPGRADE_TOKEN);
    String path = req.path();
    if (!upgrading || (!Frames.DEVICE_PATH.equals(path) && !Frames.MESH_PATH.equals(path))) {
      s.metrics().refused("bad_request");
      req.response()
          .setStatusCode(Frames.DEVICE_PATH.equals(path) ? 426 : 404)
          .putHeader("Content-Type", "text/plain")
          .end(
              "trellis relay: use GET "
                  + Frames.DEVICE_PATH
                  + " with Upgrade: "
                  + Frames.UPGRADE_TOKEN
                  + "\n");
      return;
    }
    if (Frames.MESH_PATH.equals(path)) {
      String auth = req.getHeader("Authorization");
      String caller = null;
      if (auth != null && auth.startsWith("Bearer ")) {
        try {
          caller = s.credentials().verify(auth.substring(7).trim());
        } catch (ApiException e) {
          caller = null;
        }
      }
      if (!"relay".equals(caller)) {
        s.metrics().refused("mesh_unauthenticated");
        req.response().setStatusCode(401).end();
        return;
      }
      req.toNetSocket().onSuccess(sock -> new MeshSession(sock, s).start());
      return;
    }
    req.toNetSocket()
        .onSuccess(
            sock -> {
              DeviceSession[] self = new DeviceSession[1];
              DeviceSession d = new DeviceSession(sock, context, s, () -> sessions.remove(self[0]));
              self[0] = d;
              sessions.add(d);
              d.start();
            });
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    long keepalive = s.options().keepalive().toMillis();
    var instant = s.clock().instant();
    for (DeviceSession d : sessions) {
      var c = d.client();
      if (c != null && !c.authorization().holdsAt(instant)) {
        s.metrics().refused("expired");
        d.close("the node key expired");
      } else {
        d.keepalive(now, keepalive);
      }
    }
  }
}
