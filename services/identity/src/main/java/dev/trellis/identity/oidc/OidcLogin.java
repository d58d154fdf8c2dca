package dev.trellis.identity.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.identity.login.LoginEvents;
import dev.trellis.identity.signing.SessionTokens;
import dev.trellis.identity.tailnet.SsoProviders;
import dev.trellis.identity.tailnet.TailnetCommands;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.identity.tailnet.TailnetSettingsRoutes;
import dev.trellis.identity.user.UserCommands;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.event.v1.OidcConfig;
import dev.trellis.proto.event.v1.SsoProvider;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.TextField;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The OIDC authorization-code flow with PKCE (S256), {@code state} and {@code nonce}: {@link
 * #start} remembers a pending login and returns the provider's authorization URL; {@link #finish}
 * takes the pending login by state (once), exchanges the code (with the verifier and, for
 * confidential clients, the secret), verifies the ID token ({@link IdTokenCheck}), applies the
 * tailnet's allowed email domains, finds or creates the user (first login: a member signed in with
 * OIDC), and issues a session. Every outcome is a {@code LoginSucceeded} or {@code LoginFailed}
 * naming the provider. The presets ({@link SsoPresets}) fix the issuer: Google's, Microsoft's for
 * the tenant (multi-tenant endpoints checked by {@link MicrosoftIssuer}); GitHub, which has no ID
 * token, goes through {@link GitHubSignIn} with the same state, PKCE and callback.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class OidcLogin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  private final Vertx vertx;
  private final TailnetDirectory tailnets;
  private final UserDirectory users;
  private final UserCommands userCommands;
  private final PendingLogins pending;
  private final ProviderMetadata providers;
  private final IdTokenCheck idTokens;
  private final SessionTokens sessions;
  private final LoginEvents events;
  private final HttpClient http;
  private final IMap<String, String> clientSecrets;
  private final GitHubSignIn github;

  /** A finished login. */
  public record Success(UserRecord user, SessionTokens.Issued session, boolean created) {}

  public OidcLogin(
      Vertx vertx,
      TailnetDirectory tailnets,
      UserDirectory users,
      UserCommands userCommands,
      HazelcastInstance hazelcast,
      HttpClient http,
      IdTokenCheck idTokens,
      ProviderMetadata providers,
      SessionTokens sessions,
      LoginEvents events) {
    this.vertx = vertx;
    this.tailnets = tailnets;
    this.users = users;
    this.userCommands = userCommands;
    this.pending = new PendingLogins(hazelcast);
    this.providers = providers;
    this.idTokens = idTokens;
    this.sessions = sessions;
    this.events = events;
    this.http = http;
    this.clientSecrets = hazelcast.getMap(TailnetSettingsRoutes.CLIENT_SECRETS);
    this.github = new GitHubSignIn(new ProviderHttp(http));
  }

  /**
   * How members of {@code tailnet} (name or id) may sign in on the login page: {@code password}
   * (built-in login enabled) and {@code sso} (single sign-on configured), both booleans, and when
   * single sign-on is configured {@code provider: {"sso": "github"}} (or google, microsoft, oidc)
   * so the page can label its button. What the page shows; an unknown tailnet answers like a new
   * tailnet (password, no single sign-on), as {@link #start} answers an unknown tailnet like one
   * without single sign-on, so names cannot be enumerated.
   */
  public Future<Map<String, Object>> methods(String tailnet) {
    return vertx.executeBlocking(
        () -> {
          TailnetSettings s;
          try {
            s = tailnets.resolve(tailnet).getSettings();
          } catch (ApiException e) {
            // An unknown tailnet answers like a new one (password, no single sign-on): names do
            // not leak through the login page.
            s = TailnetCommands.defaultSettings();
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("password", s.getPasswordLoginEnabled());
          m.put("sso", s.hasOidc());
          if (s.hasOidc()) {
            m.put("provider", Map.of("sso", SsoProviders.name(SsoProviders.kind(s.getOidc()))));
          }
          return m;
        },
        false);
  }

  /** Starts a login to {@code tailnet}; the result is the URL to send the browser to. */
  public Future<URI> start(String tailnet, String redirectUri) {
    return vertx.executeBlocking(
        () -> {
          TailnetRecord t;
          try {
            t = tailnets.resolve(tailnet);
          } catch (ApiException e) {
            // An unknown tailnet answers like one without single sign-on: names do not leak.
            throw ApiException.of(ErrorCode.OIDC_NOT_CONFIGURED);
          }
          OidcConfig oidc = config(t);
          boolean isGitHub = SsoProviders.kind(oidc) == SsoProvider.SSO_GITHUB;
          URI authorization =
              isGitHub ? SsoPresets.githubAuthorize() : endpoints(oidc).authorization();
          String state = PendingLogins.random();
          String nonce = PendingLogins.random();
          String verifier = PendingLogins.random();
          pending.put(
              state, new PendingLogins.Pending(t.getTailnetId(), nonce, verifier, redirectUri));
          Map<String, String> q = new LinkedHashMap<>();
          q.put("response_type", "code");
          q.put("client_id", oidc.getClientId());
          q.put("redirect_uri", redirectUri);
          q.put("scope", isGitHub ? GitHubSignIn.scopes(oidc) : scopes(oidc));
          q.put("state", state);
          if (!isGitHub) {
            q.put("nonce", nonce);
          }
          q.put("code_challenge", challenge(verifier));
          q.put("code_challenge_method", "S256");
          String sep = authorization.getQuery() == null ? "?" : "&";
          return URI.create(authorization + sep + form(q));
        },
        false);
  }

  /** Finishes the login of {@code state} with the provider's {@code code}. */
  public Future<Success> finish(String code, String state, LoginEvents.Source src) {
    String[] failedTailnet = {null};
    String[] claimed = {null};
    SsoProvider[] provider = {SsoProvider.SSO_PROVIDER_UNSPECIFIED};
    return vertx
        .executeBlocking(
            () -> {
              PendingLogins.Pending p = pending.take(state);
              if (p == null) {
                throw ApiException.of(ErrorCode.OIDC_STATE_INVALID);
              }
              failedTailnet[0] = p.tailnetId();
              if (code == null || code.isEmpty() || code.length() > 4096) {
                throw ApiException.field(ErrorCode.BAD_REQUEST, "code", "Required.");
              }
              TailnetRecord t =
                  tailnets
                      .byId(p.tailnetId())
                      .orElseThrow(() -> ApiException.of(ErrorCode.OIDC_NOT_CONFIGURED));
              OidcConfig oidc = config(t);
              provider[0] = SsoProviders.kind(oidc);
              if (provider[0] == SsoProvider.SSO_GITHUB) {
                var u = github.identify(oidc, secret(oidc, t), code, p.verifier(), p.redirectUri());
                String subject = oidc.getIssuerUrl() + "#" + u.id();
                claimed[0] = subject + " (" + TextField.clean(u.login(), 64) + ")";
                String email = allowedDomain(UserCommands.checkEmail(u.email(), "email"), oidc);
                return new Identity(t, subject, email, TextField.clean(u.name(), 200));
              }
              var endpoints = endpoints(oidc);
              String idToken = exchange(endpoints.token(), oidc, t.getTailnetId(), code, p);
              String issuer = endpoints.issuer();
              boolean microsoft = provider[0] == SsoProvider.SSO_MICROSOFT;
              if (microsoft && SsoProviders.multiTenant(oidc.getTenant())) {
                String tid = MicrosoftIssuer.tenantOf(idToken);
                issuer = MicrosoftIssuer.expected(issuer, oidc.getTenant(), tid);
              }
              JWTClaimsSet claims =
                  idTokens.check(idToken, issuer, oidc.getClientId(), endpoints.jwks(), p.nonce());
              String subject = oidc.getIssuerUrl() + "#" + claims.getSubject();
              if (microsoft) {
                // One subject per Microsoft user whichever tenant endpoint the tailnet uses.
                Object t2 = claims.getClaim("tid");
                subject =
                    SsoProviders.MICROSOFT_BASE
                        + "/"
                        + (t2 instanceof String s2 ? s2 : oidc.getTenant())
                        + "/v2.0#"
                        + claims.getSubject();
              }
              claimed[0] = subject;
              if (microsoft) {
                microsoftEmailOwned(claims, oidc);
              }
              return new Identity(t, subject, email(claims, oidc), name(claims));
            },
            false)
        .compose(this::signIn)
        .recover(
            err -> {
              ErrorCode codeOf = err instanceof ApiException a ? a.code() : ErrorCode.INTERNAL;
              // An unknown or replayed state names no tailnet: logged under LoginEvents.NO_TAILNET.
              return events
                  .failed(
                      failedTailnet[0],
                      null,
                      claimed[0],
                      LoginMethod.OIDC,
                      provider[0],
                      codeOf.code(),
                      src)
                  .transform(x -> Future.failedFuture(err));
            })
        .compose(
            s ->
                events
                    .succeeded(
                        s.user(), LoginMethod.OIDC, provider[0], s.session().sessionId(), src)
                    .map(v -> s));
  }

  private record Identity(TailnetRecord tailnet, String subject, String email, String name) {}

  private Future<Success> signIn(Identity id) {
    String tailnetId = id.tailnet().getTailnetId();
    return vertx
        .executeBlocking(() -> users.byEmail(tailnetId, id.email()), false)
        .compose(
            existing -> {
              if (existing.isPresent()) {
                UserRecord u = existing.get();
                if (!u.getOidcSubject().isEmpty() && !u.getOidcSubject().equals(id.subject())) {
                  return Future.failedFuture(ApiException.of(ErrorCode.OIDC_USER_NOT_ALLOWED));
                }
                return Future.succeededFuture(new Object[] {u, false});
              }
              Actor actor =
                  Actor.newBuilder()
                      .setKind(Actor.Kind.USER)
                      .setId(id.subject())
                      .setDisplay(id.email() + " (first single sign-on)")
                      .build();
              return userCommands
                  .add(
                      tailnetId,
                      id.email(),
                      id.name(),
                      UserRole.MEMBER,
                      LoginMethod.OIDC,
                      id.subject(),
                      actor)
                  .map(u -> new Object[] {u, true});
            })
        .compose(
            pair ->
                vertx.executeBlocking(
                    () -> {
                      UserRecord u = (UserRecord) pair[0];
                      var session = sessions.issue(u, LoginMethod.OIDC, "s" + UUID.randomUUID());
                      return new Success(u, session, (Boolean) pair[1]);
                    },
                    false));
  }

  private String exchange(
      URI tokenEndpoint, OidcConfig oidc, String tailnetId, String code, PendingLogins.Pending p) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("grant_type", "authorization_code");
    body.put("code", code);
    body.put("redirect_uri", p.redirectUri());
    body.put("client_id", oidc.getClientId());
    body.put("code_verifier", p.verifier());
    String secret = oidc.getClientSecretRef().isEmpty() ? null : clientSecrets.get(tailnetId);
    if (secret != null) {
      body.put("client_secret", secret);
    }
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(tokenEndpoint)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Accept", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(form(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] raw;
      try (InputStream in = r.body()) {
        raw = in.readNBytes(MAX_TOKEN_RESPONSE + 1);
      }
      if (r.statusCode() != 200 || raw.length > MAX_TOKEN_RESPONSE) {
        throw ApiException.of(
            ErrorCode.OIDC_TOKEN_INVALID,
            "The identity provider refused the sign-on code.",
            new IllegalStateException("token endpoint answered " + r.statusCode()));
      }
      JsonNode json = JSON.readTree(raw);
      String idToken = json.path("id_token").asText("");
      if (idToken.isEmpty()) {
        throw ApiException.of(
            ErrorCode.OIDC_TOKEN_INVALID, null, new IllegalStateException("no id_token"));
      }
      return idToken;
    } catch (IOException e) {
      throw ApiException.of(ErrorCode.OIDC_PROVIDER_UNAVAILABLE, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.of(ErrorCode.OIDC_PROVIDER_UNAVAILABLE);
    }
  }

  private static String email(JWTClaimsSet claims, OidcConfig oidc) throws ParseException {
    String email = claims.getStringClaim("email");
    Object verified = claims.getClaim("email_verified");
    if (email == null
        || !email.contains("@")
        || Boolean.FALSE.equals(verified)
        || "false".equals(verified)) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED, "The identity provider gave no verified email.");
    }
    String e = allowedDomain(UserCommands.checkEmail(email, "email"), oidc);
    if (oidc.getAllowedGroupsCount() > 0 && !inAllowedGroup(claims, oidc)) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED, "You are not in a group allowed to use this tailnet.");
    }
    return e;
  }

  /** {@code e} if its domain is allowed by the tailnet. */
  private static String allowedDomain(String e, OidcConfig oidc) {
    String domain = e.substring(e.lastIndexOf('@') + 1);
    if (oidc.getAllowedEmailDomainsCount() > 0
        && !oidc.getAllowedEmailDomainsList().contains(domain)) {
      throw ApiException.of(ErrorCode.OIDC_USER_NOT_ALLOWED);
    }
    return e;
  }

  /**
   * Microsoft's {@code email} claim is whatever the user's tenant says, unverified. Through a
   * multi-tenant endpoint, any tenant's administrator could claim anybody's address, so there the
   * token must carry {@code xms_edov: true} (the optional claim "email domain owner verified")
   * unless it is a personal account; a single-tenant tailnet trusts its own tenant's directory.
   * Wherever {@code xms_edov} is present and not true, the email is refused.
   */
  private static void microsoftEmailOwned(JWTClaimsSet claims, OidcConfig oidc) {
    Object edov = claims.getClaim("xms_edov");
    boolean verified = Boolean.TRUE.equals(edov) || "true".equals(edov) || "1".equals(edov);
    boolean personal = SsoProviders.CONSUMER_TENANT.equals(claims.getClaim("tid"));
    if ((edov != null && !verified)
        || (SsoProviders.multiTenant(oidc.getTenant()) && !personal && !verified)) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED,
          "Microsoft did not confirm that your tenant owns your email's domain.");
    }
  }

  /** The provider's endpoints: discovered at the configured or preset issuer. */
  private ProviderMetadata.Endpoints endpoints(OidcConfig oidc) {
    boolean template =
        SsoProviders.kind(oidc) == SsoProvider.SSO_MICROSOFT
            && SsoProviders.multiTenant(oidc.getTenant());
    return providers.of(SsoPresets.issuer(oidc), template);
  }

  private String secret(OidcConfig oidc, TailnetRecord t) {
    return oidc.getClientSecretRef().isEmpty() ? null : clientSecrets.get(t.getTailnetId());
  }

  /** Whether the token's {@code groups} claim (a string list) names an allowed group. */
  private static boolean inAllowedGroup(JWTClaimsSet claims, OidcConfig oidc) {
    Object groups = claims.getClaim("groups");
    if (!(groups instanceof java.util.List<?> list)) {
      return false;
    }
    for (Object g : list) {
      if (g instanceof String name && oidc.getAllowedGroupsList().contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static String name(JWTClaimsSet claims) throws ParseException {
    String n = claims.getStringClaim("name");
    // The provider's text, not ours to refuse: unsafe characters are dropped, the length capped.
    return TextField.clean(n, 200);
  }

  private static OidcConfig config(TailnetRecord t) {
    if (!t.getSettings().hasOidc()) {
      throw ApiException.of(ErrorCode.OIDC_NOT_CONFIGURED);
    }
    return t.getSettings().getOidc();
  }

  private static String scopes(OidcConfig oidc) {
    var all = new java.util.LinkedHashSet<String>();
    all.add("openid");
    all.add("email");
    all.addAll(oidc.getScopesList());
    return String.join(" ", all);
  }

  static String challenge(String verifier) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
