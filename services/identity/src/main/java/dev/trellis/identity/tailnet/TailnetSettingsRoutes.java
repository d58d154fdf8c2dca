package dev.trellis.identity.tailnet;

import com.google.protobuf.Duration;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.request.Lifetime;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.OidcConfig;
import dev.trellis.proto.event.v1.SsoProvider;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.TailnetSettingsChanged;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.http.MaxLength;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tailnet's settings: {@code GET /api/v1/tailnets/:tailnet/settings} (any role) and {@code POST
 * /api/v1/tailnets/:tailnet/settings} (owners and admins) with only the fields to change: {@code
 * deviceApproval}, {@code nodeKeyExpiry} ({@code 180d}), {@code passwordLogin}, {@code oidc}
 * (issuer, client id and secret, scopes, allowed email domains and groups; or a preset: {@code
 * provider} github, google or microsoft, which fixes the issuer, with Microsoft's {@code tenant}
 * and GitHub's {@code allowedOrgs} and {@code allowedTeams}) or {@code oidcDisabled}. The change is
 * one {@code TailnetSettingsChanged} with the full settings and the changed field names. An OIDC
 * client secret is kept in a private Hazelcast map ({@link #CLIENT_SECRETS}); the event carries
 * only its reference and SHA-256. Two concurrent edits of different fields may lose one (last
 * writer wins), as with any read-modify-write without a version check.
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast to workers.
 */
public final class TailnetSettingsRoutes {
  /** Tailnet id to OIDC client secret. */
  public static final String CLIENT_SECRETS = "identity-private.oidc-client-secrets";

  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetDirectory tailnets;
  private final Events events;
  private final IdentityLog log;
  private final IMap<String, String> secrets;

  /**
   * The OIDC part of a settings change. {@code provider} is oidc (the default: {@code issuer} is
   * required), github, google or microsoft (the issuer is the preset's; Microsoft needs {@code
   * tenant}). Its {@code toString} hides the secret.
   */
  public record OidcRequest(
      @MaxLength(2048) String issuer,
      String clientId,
      @MaxLength(1024) String clientSecret,
      List<String> scopes,
      List<String> allowedEmailDomains,
      List<String> allowedGroups,
      @MaxLength(16) String provider,
      @MaxLength(64) String tenant,
      List<String> allowedOrgs,
      List<String> allowedTeams) {
    @Override
    public String toString() {
      return "OidcRequest[provider="
          + provider
          + ", issuer="
          + issuer
          + ", clientId="
          + clientId
          + ", secret=redacted]";
    }
  }

  private static final java.util.regex.Pattern GITHUB_ORG =
      java.util.regex.Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final java.util.regex.Pattern GITHUB_TEAM =
      java.util.regex.Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}");

  /** Body of {@code POST .../settings}: absent fields stay as they are. */
  public record ChangeRequest(
      Boolean deviceApproval,
      String nodeKeyExpiry,
      Boolean passwordLogin,
      OidcRequest oidc,
      Boolean oidcDisabled) {}

  public TailnetSettingsRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      TailnetDirectory tailnets,
      Events events,
      IdentityLog log,
      HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.tailnets = tailnets;
    this.events = events;
    this.log = log;
    this.secrets = hazelcast.getMap(CLIENT_SECRETS);
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/api/v1/tailnets/:tailnet/settings").handler(this::get);
    router.post("/api/v1/tailnets/:tailnet/settings").handler(this::change);
  }

  /** The settings as JSON. */
  public static Map<String, Object> view(TailnetRecord t) {
    TailnetSettings s = t.getSettings();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tailnetId", t.getTailnetId());
    out.put("name", t.getName());
    out.put("deviceApproval", s.getDeviceApprovalRequired());
    out.put(
        "nodeKeyExpiry",
        s.hasNodeKeyExpiry() ? s.getNodeKeyExpiry().getSeconds() / 86400 + "d" : null);
    out.put("passwordLogin", s.getPasswordLoginEnabled());
    if (s.hasOidc()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("provider", SsoProviders.name(SsoProviders.kind(s.getOidc())));
      o.put("issuer", s.getOidc().getIssuerUrl());
      o.put("clientId", s.getOidc().getClientId());
      o.put("hasClientSecret", !s.getOidc().getClientSecretSha256().isEmpty());
      o.put("scopes", List.copyOf(s.getOidc().getScopesList()));
      o.put("allowedEmailDomains", List.copyOf(s.getOidc().getAllowedEmailDomainsList()));
      o.put("allowedGroups", List.copyOf(s.getOidc().getAllowedGroupsList()));
      if (!s.getOidc().getTenant().isEmpty()) {
        o.put("tenant", s.getOidc().getTenant());
      }
      if (SsoProviders.kind(s.getOidc()) == SsoProvider.SSO_GITHUB) {
        o.put("allowedOrgs", List.copyOf(s.getOidc().getAllowedOrgsList()));
        o.put("allowedTeams", List.copyOf(s.getOidc().getAllowedTeamsList()));
      }
      out.put("oidc", o);
    }
    return out;
  }

  private void get(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p ->
                vertx.executeBlocking(
                    () ->
                        view(
                            tailnets
                                .byId(tailnets.scope(p, ctx.pathParam("tailnet"), false))
                                .orElseThrow())))
        .onSuccess(v -> JsonBodies.reply(ctx, 200, v))
        .onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              ChangeRequest req = JsonBodies.read(ctx, ChangeRequest.class);
              return vertx
                  .executeBlocking(
                      () -> {
                        String id = tailnets.scope(p, ctx.pathParam("tailnet"), true);
                        TailnetRecord t = tailnets.byId(id).orElseThrow();
                        List<String> changed = new ArrayList<>();
                        TailnetSettings next = apply(t, req, changed);
                        if (changed.isEmpty()) {
                          return null;
                        }
                        return events
                            .draft(
                                id,
                                id,
                                p.actor(),
                                TailnetSettingsChanged.newBuilder()
                                    .setSettings(next)
                                    .addAllChangedFields(changed)
                                    .build())
                            .subject(
                                "tailnet "
                                    + t.getName()
                                    + " settings: "
                                    + String.join(", ", changed))
                            .build();
                      })
                  .compose(
                      e ->
                          e == null
                              ? io.vertx.core.Future.<Void>succeededFuture()
                              : log.appendAndApply(List.of(e)))
                  .compose(
                      v ->
                          vertx.executeBlocking(
                              () -> view(tailnets.resolve(ctx.pathParam("tailnet")))));
            })
        .onSuccess(v -> JsonBodies.reply(ctx, 200, v))
        .onFailure(ctx::fail);
  }

  private TailnetSettings apply(TailnetRecord t, ChangeRequest req, List<String> changed) {
    TailnetSettings.Builder s = t.getSettings().toBuilder();
    if (req.deviceApproval() != null && req.deviceApproval() != s.getDeviceApprovalRequired()) {
      s.setDeviceApprovalRequired(req.deviceApproval());
      changed.add("device_approval_required");
    }
    if (req.nodeKeyExpiry() != null) {
      var d =
          Lifetime.parse(
              req.nodeKeyExpiry(), "nodeKeyExpiry", null, java.time.Duration.ofDays(3650));
      s.setNodeKeyExpiry(Duration.newBuilder().setSeconds(d.toSeconds()));
      changed.add("node_key_expiry");
    }
    if (req.passwordLogin() != null && req.passwordLogin() != s.getPasswordLoginEnabled()) {
      s.setPasswordLoginEnabled(req.passwordLogin());
      changed.add("password_login_enabled");
    }
    if (Boolean.TRUE.equals(req.oidcDisabled())) {
      if (req.oidc() != null) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST, "oidcDisabled", "Give either oidc or oidcDisabled.");
      }
      if (s.hasOidc()) {
        s.clearOidc();
        secrets.delete(t.getTailnetId());
        changed.add("oidc");
      }
    } else if (req.oidc() != null) {
      s.setOidc(oidc(t.getTailnetId(), req.oidc()));
      changed.add("oidc");
    }
    return s.build();
  }

  private OidcConfig oidc(String tailnetId, OidcRequest o) {
    SsoProvider kind =
        o.provider() == null
            ? SsoProvider.SSO_PROVIDER_UNSPECIFIED
            : SsoProviders.parse(o.provider());
    if (kind == null) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, "oidc.provider", "Expected oidc, github, google or microsoft.");
    }
    OidcConfig.Builder b =
        switch (kind) {
          case SSO_GITHUB, SSO_GOOGLE, SSO_MICROSOFT -> preset(kind, o);
          default -> generic(o).setProvider(kind);
        };
    if (o.clientId() == null || o.clientId().isBlank()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.clientId", "Required.");
    }
    b.setClientId(o.clientId().strip());
    if (kind == SsoProvider.SSO_GITHUB
        && (o.clientSecret() == null || o.clientSecret().isEmpty())) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, "oidc.clientSecret", "GitHub needs the OAuth app's secret.");
    }
    return common(tailnetId, o, b);
  }

  /** A preset: the issuer is the provider's, not the administrator's. */
  private static OidcConfig.Builder preset(SsoProvider kind, OidcRequest o) {
    String name = SsoProviders.name(kind);
    if (o.issuer() != null && !o.issuer().isEmpty()) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, "oidc.issuer", "The " + name + " preset sets the issuer.");
    }
    OidcConfig.Builder b = OidcConfig.newBuilder().setProvider(kind);
    String tenant = null;
    if (kind == SsoProvider.SSO_MICROSOFT) {
      tenant = SsoProviders.tenant(o.tenant());
      if (tenant == null) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST,
            "oidc.tenant",
            "Expected common, organizations, consumers or a tenant id (GUID).");
      }
      b.setTenant(tenant);
    } else if (o.tenant() != null && !o.tenant().isEmpty()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.tenant", "Only for microsoft.");
    }
    if (kind == SsoProvider.SSO_GITHUB) {
      if (o.allowedGroups() != null && !o.allowedGroups().isEmpty()) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST,
            "oidc.allowedGroups",
            "GitHub has no groups claim; use allowedOrgs or allowedTeams.");
      }
      for (String org : o.allowedOrgs() == null ? List.<String>of() : o.allowedOrgs()) {
        if (org == null || !GITHUB_ORG.matcher(org.strip()).matches()) {
          throw ApiException.field(
              ErrorCode.BAD_REQUEST, "oidc.allowedOrgs", "Expected GitHub organization names.");
        }
        b.addAllowedOrgs(org.strip().toLowerCase(Locale.ROOT));
      }
      for (String team : o.allowedTeams() == null ? List.<String>of() : o.allowedTeams()) {
        if (team == null || !GITHUB_TEAM.matcher(team.strip()).matches()) {
          throw ApiException.field(
              ErrorCode.BAD_REQUEST, "oidc.allowedTeams", "Expected org/team-slug.");
        }
        b.addAllowedTeams(team.strip().toLowerCase(Locale.ROOT));
      }
    } else if ((o.allowedOrgs() != null && !o.allowedOrgs().isEmpty())
        || (o.allowedTeams() != null && !o.allowedTeams().isEmpty())) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.allowedOrgs", "Only for github.");
    }
    return b.setIssuerUrl(SsoProviders.storedIssuer(kind, tenant));
  }

  private static OidcConfig.Builder generic(OidcRequest o) {
    if (o.tenant() != null && !o.tenant().isEmpty()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.tenant", "Only for microsoft.");
    }
    if ((o.allowedOrgs() != null && !o.allowedOrgs().isEmpty())
        || (o.allowedTeams() != null && !o.allowedTeams().isEmpty())) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.allowedOrgs", "Only for github.");
    }
    URI issuer;
    try {
      issuer = URI.create(o.issuer() == null ? "" : o.issuer());
    } catch (IllegalArgumentException e) {
      issuer = null;
    }
    if (issuer == null
        || issuer.getHost() == null
        || !("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme()))) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "oidc.issuer", "Expected an http(s) URL.");
    }
    return OidcConfig.newBuilder().setIssuerUrl(o.issuer());
  }

  private OidcConfig common(String tailnetId, OidcRequest o, OidcConfig.Builder b) {
    if (o.scopes() != null) {
      b.addAllScopes(o.scopes());
    }
    if (o.allowedEmailDomains() != null) {
      for (String d : o.allowedEmailDomains()) {
        b.addAllowedEmailDomains(d.strip().toLowerCase(Locale.ROOT));
      }
    }
    if (o.allowedGroups() != null) {
      for (String g : o.allowedGroups()) {
        if (g == null || g.isBlank() || g.length() > 256) {
          throw ApiException.field(
              ErrorCode.BAD_REQUEST, "oidc.allowedGroups", "Group names are 1 to 256 characters.");
        }
        b.addAllowedGroups(g.strip());
      }
    }
    if (o.clientSecret() != null && !o.clientSecret().isEmpty()) {
      secrets.set(tailnetId, o.clientSecret());
      b.setClientSecretRef("hazelcast:" + CLIENT_SECRETS + "/" + tailnetId);
      b.setClientSecretSha256(ApiTokenText.sha256(o.clientSecret()));
    } else {
      secrets.delete(tailnetId);
    }
    return b.build();
  }
}
