package dev.trellis.identity.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.OidcConfig;
import dev.trellis.runtime.http.ApiException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sign-in with GitHub, which has no OpenID Connect for users: the OAuth 2.0 authorization code
 * (with {@code state} and PKCE) is exchanged at {@code /login/oauth/access_token} for an access
 * token, then GitHub's REST API gives the user ({@code /user}: the numeric id is the subject), the
 * primary email, which must be verified ({@code /user/emails}), and, when the tailnet restricts
 * sign-in to organizations or teams, the active organization memberships ({@code
 * /user/memberships/orgs}) and teams ({@code /user/teams}). The access token is used for these
 * calls only and then forgotten.
 *
 * <p>Thread-safety: thread-safe; {@link #identify} blocks on the network (call from workers).
 */
final class GitHubSignIn {
  /** At most this many pages of memberships or teams are read (100 a page). */
  private static final int MAX_PAGES = 10;

  private final ProviderHttp http;

  /** Who signed in: GitHub's numeric user id, the verified primary email, a display name. */
  record GitHubUser(String id, String login, String email, String name) {}

  GitHubSignIn(ProviderHttp http) {
    this.http = http;
  }

  /** The scopes to ask for: the organization scope only when the tailnet restricts by it. */
  static String scopes(OidcConfig oidc) {
    return restricted(oidc) ? "read:user user:email read:org" : "read:user user:email";
  }

  private static boolean restricted(OidcConfig oidc) {
    return oidc.getAllowedOrgsCount() > 0 || oidc.getAllowedTeamsCount() > 0;
  }

  /** Exchanges {@code code} and reads the user; refuses those the tailnet does not allow. */
  GitHubUser identify(
      OidcConfig oidc, String secret, String code, String verifier, String redirectUri) {
    String token = exchange(oidc, secret, code, verifier, redirectUri);
    JsonNode user = get(token, SsoPresets.githubApi("/user"), "GitHub /user").json();
    JsonNode id = user.path("id");
    String login = user.path("login").asText("");
    if (!id.canConvertToLong() || id.asLong() <= 0 || login.isEmpty()) {
      throw ProviderHttp.unavailable("GitHub /user lacks id or login");
    }
    String email = primaryVerifiedEmail(token);
    if (restricted(oidc) && !member(oidc, token)) {
      throw ApiException.of(
          ErrorCode.OIDC_USER_NOT_ALLOWED,
          "You are not in a GitHub organization or team allowed to use this tailnet.");
    }
    String name = user.path("name").isTextual() ? user.path("name").asText() : login;
    return new GitHubUser(Long.toString(id.asLong()), login, email, name);
  }

  private String exchange(
      OidcConfig oidc, String secret, String code, String verifier, String redirectUri) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("client_id", oidc.getClientId());
    if (secret != null) {
      body.put("client_secret", secret);
    }
    body.put("code", code);
    body.put("redirect_uri", redirectUri);
    body.put("code_verifier", verifier);
    var a =
        http.send(
            HttpRequest.newBuilder(SsoPresets.githubToken())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(OidcLogin.form(body))),
            "GitHub token endpoint");
    // GitHub answers a refused code with 200 and {"error": ...}.
    String token = a.json().path("access_token").asText("");
    if (a.status() != 200 || token.isEmpty()) {
      throw ApiException.of(
          ErrorCode.OIDC_TOKEN_INVALID,
          "The identity provider refused the sign-on code.",
          new IllegalStateException(
              "GitHub token endpoint answered "
                  + a.status()
                  + " "
                  + ProviderHttp.quote(a.json().path("error").asText(""))));
    }
    return token;
  }

  private String primaryVerifiedEmail(String token) {
    JsonNode emails =
        get(token, SsoPresets.githubApi("/user/emails"), "GitHub /user/emails").json();
    if (!emails.isArray()) {
      throw ProviderHttp.unavailable("GitHub /user/emails is not a list");
    }
    for (JsonNode e : emails) {
      if (e.path("primary").asBoolean(false)) {
        if (e.path("verified").asBoolean(false) && e.path("email").isTextual()) {
          return e.path("email").asText();
        }
        break;
      }
    }
    throw ApiException.of(
        ErrorCode.OIDC_USER_NOT_ALLOWED, "Your GitHub account's primary email is not verified.");
  }

  private boolean member(OidcConfig oidc, String token) {
    Set<String> orgs = new HashSet<>();
    for (String o : oidc.getAllowedOrgsList()) {
      orgs.add(o.toLowerCase(Locale.ROOT));
    }
    Set<String> teams = new HashSet<>();
    for (String t : oidc.getAllowedTeamsList()) {
      teams.add(t.toLowerCase(Locale.ROOT));
    }
    boolean[] found = {false};
    if (!orgs.isEmpty()) {
      pages(
          token,
          "/user/memberships/orgs?state=active&per_page=100",
          "GitHub /user/memberships/orgs",
          m -> {
            String org = m.path("organization").path("login").asText("");
            if ("active".equals(m.path("state").asText(""))
                && orgs.contains(org.toLowerCase(Locale.ROOT))) {
              found[0] = true;
            }
          },
          found);
    }
    if (!found[0] && !teams.isEmpty()) {
      pages(
          token,
          "/user/teams?per_page=100",
          "GitHub /user/teams",
          t -> {
            String org = t.path("organization").path("login").asText("");
            String slug = t.path("slug").asText("");
            if (teams.contains((org + "/" + slug).toLowerCase(Locale.ROOT))) {
              found[0] = true;
            }
          },
          found);
    }
    return found[0];
  }

  /** Reads up to {@link #MAX_PAGES} pages of a list, following {@code Link: rel="next"}. */
  private void pages(
      String token, String path, String what, Consumer<JsonNode> each, boolean[] done) {
    URI api = SsoPresets.githubApi("/");
    URI next = SsoPresets.githubApi(path);
    for (int page = 0; page < MAX_PAGES && next != null && !done[0]; page++) {
      var a = get(token, next, what);
      if (!a.json().isArray()) {
        throw ProviderHttp.unavailable(what + " is not a list");
      }
      a.json().forEach(each);
      next = a.next();
      // The token goes only to GitHub's API host.
      if (next != null
          && !(api.getScheme().equals(next.getScheme())
              && api.getRawAuthority().equals(next.getRawAuthority()))) {
        throw ProviderHttp.unavailable(what + " links to another host");
      }
    }
  }

  private ProviderHttp.Answer get(String token, URI uri, String what) {
    var a =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .GET(),
            what);
    if (a.status() != 200) {
      throw ProviderHttp.unavailable(
          what + " answered " + a.status() + " " + ProviderHttp.quote(a.json().toString()));
    }
    return a;
  }
}
