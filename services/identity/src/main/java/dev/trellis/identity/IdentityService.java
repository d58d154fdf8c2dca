package dev.trellis.identity;

import dev.trellis.identity.audit.AuditRoutes;
import dev.trellis.identity.authkey.AuthKeyCommands;
import dev.trellis.identity.authkey.AuthKeyDirectory;
import dev.trellis.identity.authkey.AuthKeyRoutes;
import dev.trellis.identity.authkey.AuthKeyUse;
import dev.trellis.identity.bootstrap.AdminTokenFile;
import dev.trellis.identity.bootstrap.FirstStart;
import dev.trellis.identity.console.ConsoleRoutes;
import dev.trellis.identity.console.SessionRoutes;
import dev.trellis.identity.devicelogin.DeviceLoginRoutes;
import dev.trellis.identity.dns.DnsCommands;
import dev.trellis.identity.dns.DnsRoutes;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.login.LoginEvents;
import dev.trellis.identity.login.LoginRoutes;
import dev.trellis.identity.login.LoginThrottle;
import dev.trellis.identity.login.PasswordLogin;
import dev.trellis.identity.login.PasswordStore;
import dev.trellis.identity.oidc.IdTokenCheck;
import dev.trellis.identity.oidc.OidcLogin;
import dev.trellis.identity.oidc.OidcRoutes;
import dev.trellis.identity.oidc.ProviderMetadata;
import dev.trellis.identity.projection.IdentityProjection;
import dev.trellis.identity.signing.JwksRoutes;
import dev.trellis.identity.signing.SessionTokens;
import dev.trellis.identity.signing.SigningKeys;
import dev.trellis.identity.tailnet.TailnetCommands;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.identity.tailnet.TailnetRoutes;
import dev.trellis.identity.tailnet.TailnetSettingsRoutes;
import dev.trellis.identity.token.TokenCommands;
import dev.trellis.identity.token.TokenRoutes;
import dev.trellis.identity.user.UserCommands;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.identity.user.UserRoutes;
import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.access.TagDefinitions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The identity service: tailnets and their settings, users with roles, API tokens, auth keys (with
 * the coordinator's internal use endpoint), built-in password login, OIDC single sign-on, the
 * token-signing keys and their JWKS, and the audit query. It projects the identity topic into
 * Hazelcast (read by every service to authorize requests), serves those endpoints, and on a
 * deployment's first start creates the signing key, the default tailnet and its first
 * administrator. Secrets that must not be on the log (private signing keys, password hashes, OIDC
 * client secrets, pending sign-ons) live in {@code identity-private.*} Hazelcast maps; atomic
 * decisions (email, name claims, auth-key uses, login-failure counts) in {@code identity-claims.*}
 * and {@code identity-decisions.*} maps.
 *
 * <p>Thread-safety: started once by the service host; its parts are thread-safe.
 */
public final class IdentityService implements TrellisService {
  /** How long a web session token is valid. */
  public static final java.time.Duration SESSION_LIFETIME = java.time.Duration.ofHours(12);

  /** Failed logins per account in a window before it is refused (429). */
  public static final int FAILURES_PER_ACCOUNT = 5;

  /** Failed logins per source IP in a window before it is refused (429). */
  public static final int FAILURES_PER_IP = 50;

  private final Clock clock;
  private final PrintStream console;
  private final List<Projection> projections = List.of(new IdentityProjection());

  /** The service with the system clock, printing the first admin token to standard output. */
  public IdentityService() {
    this(Clock.systemUTC(), System.out);
  }

  /** The service with a given clock and console (for the one-time admin token message). */
  public IdentityService(Clock clock, PrintStream console) {
    this.clock = clock;
    this.console = console;
  }

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.IDENTITY);
  }

  @Override
  public List<Projection> projections() {
    return projections;
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    Supplier<Future<Void>> caughtUp = () -> ctx.projections().awaitCaughtUp();
    Events events = new Events(clock);
    var authenticator = ctx.authenticator(clock);
    var directory = new TailnetDirectory(ctx.hazelcast());
    var commands =
        new TailnetCommands(
            ctx.vertx(), ctx.eventLog(), events, ctx.hazelcast(), directory, caughtUp);
    new TailnetRoutes(ctx.vertx(), authenticator, commands, directory).mount(ctx.router());
    new AuditRoutes(ctx.vertx(), ctx.eventLog(), authenticator, directory).mount(ctx.router());
    var identityLog = new IdentityLog(ctx.eventLog(), caughtUp);
    new TailnetSettingsRoutes(
            ctx.vertx(), authenticator, directory, events, identityLog, ctx.hazelcast())
        .mount(ctx.router());
    new DnsRoutes(
            authenticator,
            ctx.commands(),
            directory,
            new DnsCommands(ctx.hazelcast(), directory, identityLog, events))
        .mount(ctx.router());
    var users = new UserDirectory(ctx.hazelcast());
    var passwords = new PasswordStore(ctx.hazelcast());
    var userCommands =
        new UserCommands(
            ctx.vertx(), events, identityLog, users, ctx.hazelcast(), passwords::remove);
    new UserRoutes(ctx.vertx(), authenticator, directory, users, userCommands).mount(ctx.router());
    var tokenCommands = new TokenCommands(ctx.vertx(), events, identityLog, clock, ctx.hazelcast());
    new TokenRoutes(ctx.vertx(), authenticator, directory, tokenCommands).mount(ctx.router());
    var authKeys = new AuthKeyDirectory(ctx.hazelcast());
    new AuthKeyRoutes(
            ctx.vertx(),
            authenticator,
            directory,
            authKeys,
            new AuthKeyCommands(ctx.vertx(), events, identityLog, clock, authKeys),
            new AuthKeyUse(ctx.vertx(), events, identityLog, clock, authKeys, ctx.hazelcast()),
            new TagDefinitions(ctx.hazelcast()))
        .mount(ctx.router());
    var signingKeys =
        new SigningKeys(ctx.vertx(), events, identityLog, clock, SESSION_LIFETIME, ctx.hazelcast());
    var sessions = new SessionTokens(signingKeys, clock, SESSION_LIFETIME);
    new JwksRoutes(ctx.vertx(), authenticator, signingKeys).mount(ctx.router());
    new DeviceLoginRoutes(
            ctx.vertx(), authenticator, users, events, identityLog, clock, ctx.hazelcast())
        .mount(ctx.router());
    var loginEvents = new LoginEvents(events, identityLog);
    var passwordLogin =
        new PasswordLogin(
            ctx.vertx(),
            directory,
            users,
            passwords,
            new LoginThrottle(ctx.hazelcast(), clock, FAILURES_PER_ACCOUNT, FAILURES_PER_IP),
            sessions,
            loginEvents);
    new LoginRoutes(
            ctx.vertx(),
            authenticator,
            passwordLogin,
            users,
            passwords,
            events,
            identityLog,
            SESSION_LIFETIME)
        .mount(ctx.router());
    new SessionRoutes(ctx.vertx(), authenticator, passwordLogin, users, directory, SESSION_LIFETIME)
        .mount(ctx.router());
    new ConsoleRoutes().mount(ctx.router());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(java.time.Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    new OidcRoutes(
            new OidcLogin(
                ctx.vertx(),
                directory,
                users,
                userCommands,
                ctx.hazelcast(),
                http,
                new IdTokenCheck(clock),
                new ProviderMetadata(http, clock),
                sessions,
                loginEvents))
        .mount(ctx.router());
    Path stateDir = ctx.settings().stateDir();
    return signingKeys
        .ensure()
        .compose(
            v ->
                new FirstStart(
                        ctx.vertx(), ctx.eventLog(), events, ctx.hazelcast(), directory, caughtUp)
                    .run(stateDir))
        .map(
            token -> {
              token.ifPresent(t -> announce(t, stateDir));
              return null;
            });
  }

  private void announce(String token, Path stateDir) {
    console.println(
        "First start: created tailnet '"
            + FirstStart.DEFAULT_TAILNET
            + "' and administrator "
            + FirstStart.ADMIN_EMAIL
            + ".");
    if (stateDir == null || System.console() != null) {
      // Interactive, or the token is kept nowhere else: show it once.
      console.println("Admin API token (shown once): " + token);
    }
    if (stateDir != null) {
      // Not printed when stdout is not a terminal: a container's or service manager's output is a
      // log, and secrets stay out of logs.
      console.println(
          "Admin API token kept in " + stateDir.resolve(AdminTokenFile.NAME) + " (mode 0600).");
    }
    console.flush();
  }
}
