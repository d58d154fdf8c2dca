package dev.trellis.identity.bootstrap;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.tailnet.TailnetCommands;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.ApiTokenCreated;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a deployment's first start, creates the default tailnet, its first administrator and that
 * administrator's API token, all as events on the log with the system as actor. Exactly one
 * instance does it, even when several start at once (a claim in Hazelcast), and only while no
 * tailnet exists, so a restart on the same log does nothing.
 *
 * <p>The token is written to {@code <state-dir>/admin-token} (mode 0600) before its event is
 * appended: if the process dies in between, the next start finds no tailnet and bootstraps again
 * with a fresh token, so the file always holds a token the log knows or will know.
 *
 * <p>Thread-safety: run once, from one verticle.
 */
public final class FirstStart {
  private static final Logger LOG = LoggerFactory.getLogger(FirstStart.class);
  private static final String CLAIMS = "identity-claims.bootstrap";

  /** The default tailnet's name. */
  public static final String DEFAULT_TAILNET = "default";

  /** The first administrator's login. */
  public static final String ADMIN_EMAIL = "admin@localhost";

  private final Vertx vertx;
  private final EventLog log;
  private final Events events;
  private final IMap<String, String> claims;
  private final TailnetDirectory directory;
  private final Supplier<Future<Void>> caughtUp;

  public FirstStart(
      Vertx vertx,
      EventLog log,
      Events events,
      HazelcastInstance hazelcast,
      TailnetDirectory directory,
      Supplier<Future<Void>> caughtUp) {
    this.vertx = vertx;
    this.log = log;
    this.events = events;
    this.claims = hazelcast.getMap(CLAIMS);
    this.directory = directory;
    this.caughtUp = caughtUp;
  }

  /**
   * Bootstraps if this is the first start; the result is the admin token when this call created it
   * (the caller prints it once), empty otherwise.
   */
  public Future<Optional<String>> run(Path stateDir) {
    return caughtUp
        .get()
        .compose(v -> vertx.executeBlocking(directory::isEmpty))
        .compose(
            empty -> {
              if (!empty) {
                return Future.succeededFuture(Optional.empty());
              }
              String attempt = UUID.randomUUID().toString();
              return vertx
                  .executeBlocking(() -> claims.putIfAbsent("first-start", attempt))
                  .compose(
                      holder ->
                          holder == null
                              ? bootstrap(stateDir, attempt)
                              : Future.succeededFuture(Optional.<String>empty()));
            });
  }

  private Future<Optional<String>> bootstrap(Path stateDir, String correlationId) {
    String tailnetId = TailnetCommands.newTailnetId();
    String userId = "u" + ApiTokenText.newTokenId();
    String tokenId = ApiTokenText.newTokenId();
    String token = ApiTokenText.generate(tokenId);
    Actor system =
        Actor.newBuilder()
            .setKind(Actor.Kind.SYSTEM)
            .setId("identity")
            .setDisplay("first start")
            .build();
    List<EventEnvelope> batch =
        List.of(
            events
                .draft(
                    tailnetId,
                    tailnetId,
                    system,
                    TailnetCreated.newBuilder()
                        .setName(DEFAULT_TAILNET)
                        .setSettings(TailnetCommands.defaultSettings())
                        .build())
                .correlationId(correlationId)
                .subject("tailnet " + DEFAULT_TAILNET)
                .build(),
            events
                .draft(
                    tailnetId,
                    userId,
                    system,
                    UserCreated.newBuilder()
                        .setUserId(userId)
                        .setEmail(ADMIN_EMAIL)
                        .setDisplayName("Administrator")
                        .setLoginProvider(LoginMethod.PASSWORD)
                        .setRole(UserRole.OWNER)
                        .build())
                .correlationId(correlationId)
                .subject("user " + ADMIN_EMAIL + " (owner)")
                .build(),
            events
                .draft(
                    tailnetId,
                    tokenId,
                    system,
                    ApiTokenCreated.newBuilder()
                        .setTokenId(tokenId)
                        .setPrefix(ApiTokenText.displayPrefix(tokenId))
                        .setTokenHash(ApiTokenText.sha256(token))
                        .setRole(UserRole.OWNER)
                        .setOwnerUserId(userId)
                        .setDescription("first administrator (created on first start)")
                        .setDeploymentAdmin(true)
                        .build())
                .correlationId(correlationId)
                .subject("API token " + ApiTokenText.displayPrefix(tokenId) + " for " + ADMIN_EMAIL)
                .build());
    Future<Void> written =
        stateDir == null
            ? Future.succeededFuture()
            : vertx.executeBlocking(() -> AdminTokenFile.write(stateDir, token)).mapEmpty();
    Future<Void> chain = written;
    for (EventEnvelope e : batch) {
      chain = chain.compose(v -> log.append(Topics.IDENTITY, e)).mapEmpty();
    }
    return chain
        .compose(v -> caughtUp.get())
        .map(
            v -> {
              LOG.info(
                  "First start: created tailnet '{}' and administrator {}",
                  DEFAULT_TAILNET,
                  ADMIN_EMAIL);
              return Optional.of(token);
            })
        .recover(
            err ->
                vertx
                    .executeBlocking(() -> claims.remove("first-start", correlationId))
                    .transform(x -> Future.failedFuture(err)));
  }
}
