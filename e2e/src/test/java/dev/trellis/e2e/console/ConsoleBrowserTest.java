package dev.trellis.e2e.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import dev.trellis.e2e.SignIn;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser against the real all-in-one server, with real agents joining:
 * one browser session walks through the console in order, as a person would (sign in, an auth key,
 * a device appearing live and approved, a device login, the policy editor, the live audit, sign
 * out, and single sign-on through a real OIDC provider, mock-oauth2-server). Each step saves a
 * screenshot to {@code target/console-screenshots/}.
 */
@RootTest
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final String PASSWORD = "a long enough password";
  static final String ADMIN = "admin@localhost";

  static Lab lab;
  static ServerUnderTest server;
  static Browser browser;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Browser.require();
    Lab.requireRoot();
    lab = new Lab();
    server = ServerUnderTest.start(lab, "server", "console-" + lab.tag, List.of());
    base = server.loginServer();
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void theServersRootIsTheSignInPageAndTheFirstAdminSignsIn() throws Exception {
    browser.open(base + "/");
    browser.find("#signin-page");
    browser.setText("#tailnet", "default");
    browser.screenshot("01-sign-in");
    browser.find("#signin input[name=email]").sendKeys(ADMIN);
    browser.find("#signin input[name=password]").sendKeys("not the password");
    browser.find("#signin-submit").click();
    browser.find("#signin-error");
    assertFalse(browser.find("#signin-error").getText().isBlank());

    // The first administrator has no password yet: the admin token from the state directory sets
    // one and signs in, without the CLI.
    browser.find("#first-signin-box summary").click();
    browser.find("#first-signin input[name=token]").sendKeys(server.token());
    browser.find("#first-signin input[name=password]").sendKeys(PASSWORD);
    browser.screenshot("01b-first-sign-in");
    browser.find("#first-signin-submit").click();
    browser.awaitText("#who", ADMIN, 10);
    browser.find("#signout").click();
    browser.find("#signin-page");

    // From then on, the password.
    browser.setText("#tailnet", "default");
    browser.find("#signin input[name=email]").sendKeys(ADMIN);
    browser.find("#signin input[name=password]").sendKeys(PASSWORD);
    browser.find("#signin-submit").click();
    browser.awaitText("#who", ADMIN, 10);
    browser.awaitText("h1", "Machines", 10);
    Cookie session = browser.driver.manage().getCookieNamed("trellis_session");
    assertNotNull(session);
    assertTrue(session.isHttpOnly(), "the session cookie is HttpOnly");
    assertEquals("Strict", session.getSameSite());
    assertEquals(
        Boolean.TRUE,
        browser.js("return document.cookie.indexOf('trellis_session') < 0"),
        "script cannot read the session");
  }

  @Test
  @Order(2)
  void anAuthKeyIsShownOnceAndItsDeviceAppearsLiveAndIsApproved() throws Exception {
    server.api("POST", "/api/v1/tailnets/default/settings", Map.of("deviceApproval", true), 200);
    browser.open(base + "/#/keys");
    browser.find("#create-key input[name=description]").sendKeys("console test");
    browser.find("#create-key button[type=submit]").click();
    String key = browser.find("#shown-once .secret").getText().strip();
    assertTrue(key.startsWith("trellis-auth-"), key);
    browser.awaitText("#keys", "console test", 10);
    browser.screenshot("02-auth-key-shown-once");
    browser.driver.navigate().refresh();
    browser.awaitText("#keys", "console test", 10);
    assertTrue(
        browser.driver.findElements(By.cssSelector("#shown-once")).isEmpty(),
        "the key is shown once");
    assertFalse(browser.find("#keys").getText().contains(key), "the list never shows the key");

    browser.js("location.hash = '#/machines'");
    browser.awaitText("#live", "live", 15);
    browser.js("window.trellisNoReload = true");
    AgentUnderTest device = AgentUnderTest.start(lab, lab.device(), "webby");
    device.up(base, key).requireOk("webby up (waits for approval)");
    browser.awaitText("#machines tr[data-node^=webby]", "needs approval", 20);
    assertEquals(Boolean.TRUE, browser.js("return window.trellisNoReload === true"), "no reload");
    browser.screenshot("03-machines-device-waiting");
    browser.click("#machines tr[data-node^=webby] button[data-action=Approve]");
    browser.await(
        20,
        d ->
            !d.findElement(By.cssSelector("#machines tr[data-node^=webby]"))
                .getText()
                .contains("needs approval"));
    device.await("approved and running", s -> "Running".equals(s.state()), 20_000);
    browser.awaitText("#machines tr[data-node^=webby]", "100.", 10);
    browser.screenshot("04-machines-approved");
    browser.phoneScreenshot("04-machines-phone");
  }

  @Test
  @Order(3)
  void theDeviceLoginPageApprovesAnInteractiveLogin() throws Exception {
    server.api("POST", "/api/v1/tailnets/default/settings", Map.of("deviceApproval", false), 200);
    AgentUnderTest device = AgentUnderTest.start(lab, lab.device(), "handy");
    Path log = lab.dir.resolve("up-handy.log");
    Process up = device.upInteractively(base, log);
    String url = SignIn.awaitUrl(log, up);
    browser.open(url);
    browser.awaitText("#device-facts", "handy", 10);
    browser.screenshot("05-device-login");
    browser.find("#approve-device").click();
    browser.awaitText("#device-result", "The device was added", 10);
    assertTrue(up.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
    assertEquals(0, up.exitValue(), Files.readString(log));
    browser.js("location.hash = '#/machines'");
    browser.awaitText("#machines", "handy", 15);
  }

  @Test
  @Order(4)
  void thePolicyEditorShowsAnErrorAtItsLineAndSavesAValidEditAfterTheDiff() throws Exception {
    browser.js("location.hash = '#/policy'");
    browser.awaitText("#policy-status", "Valid", 15);
    browser.setText(
        "#policy-text",
        """
        {
          "acls": [
            {"action": "accept", "src": ["*"], "dst": ["*:*"]},
            {"action": "bogus", "src": ["*"], "dst": ["*:*"]},
          ],
        }
        """);
    WebElement problem = browser.awaitText("#problems li", "acls[1].action", 10);
    assertEquals("4", problem.getAttribute("data-line"));
    assertTrue(problem.getText().startsWith("Line 4"), problem.getText());
    assertEquals("4", browser.find("#gutter .bad").getText().strip());
    browser.screenshot("06-policy-error-at-line");

    browser.setText(
        "#policy-text",
        """
        {
          // Written in the console.
          "acls": [
            {"action": "accept", "src": ["autogroup:member"], "dst": ["*:*"]},
          ],
        }
        """);
    browser.awaitText("#policy-status", "Valid", 10);
    browser.find("#review").click();
    WebElement diff = browser.find("#diff");
    assertTrue(
        diff.getText().lines().anyMatch(l -> l.startsWith("+") && l.contains("Written in")),
        diff.getText());
    assertTrue(
        diff.getText().lines().anyMatch(l -> l.startsWith("-") && l.contains("Default policy")),
        diff.getText());
    browser.screenshot("07-policy-diff");
    browser.find("#save").click();
    browser.awaitText("#toast", "version 1", 10);
    assertTrue(
        server
            .api("GET", "/api/v1/policy", null, 200)
            .path("text")
            .asText()
            .contains("Written in the console"));
    browser.awaitText("#history", "admin@localhost", 10);
  }

  @Test
  @Order(5)
  void anAuditEventAppearsLive() throws Exception {
    browser.js("location.hash = '#/audit'");
    browser.awaitText("#live", "following live", 15);
    browser.find("#events .event");
    server.api(
        "POST",
        "/api/v1/users",
        Map.of("tailnet", "default", "email", "watched@example.com", "role", "member"),
        201);
    WebElement event = browser.awaitText("#events .event.new", "watched@example.com", 15);
    assertNotNull(event);
    browser.screenshot("08-audit-live");
  }

  @Test
  @Order(6)
  void anApiTokenIsShownOnceWorksAndIsRevoked() throws Exception {
    browser.js("location.hash = '#/tokens'");
    browser.find("#create-token input[name=description]").sendKeys("console token");
    browser.find("#create-token button[type=submit]").click();
    String token = browser.find("#shown-once .secret").getText().strip();
    assertTrue(token.startsWith("trellis-api-"), token);
    browser.awaitText("#tokens", "console token", 10);
    browser.screenshot("09-api-token-shown-once");
    assertEquals(200, bearerCall(token).statusCode());
    browser.click("#tokens tr[data-description='console token'] button.danger");
    browser.click("dialog button[type=submit]");
    browser.awaitText("#tokens tr[data-description='console token']", "revoked", 10);
    assertEquals(401, bearerCall(token).statusCode());
  }

  @Test
  @Order(7)
  void aUsersRoleChangesAndTheUserIsRemoved() throws Exception {
    browser.js("location.hash = '#/users'");
    browser.awaitText("#users", "watched@example.com", 10);
    new Select(browser.find("#users tr[data-user='watched@example.com'] select[name=role]"))
        .selectByValue("auditor");
    browser.awaitText("#toast", "is now auditor", 10);
    assertTrue(
        server.api("GET", "/api/v1/users", null, 200).toString().contains("\"role\":\"auditor\""));
    browser.screenshot("10-users");
    browser.click("#users tr[data-user='watched@example.com'] button.danger");
    browser.click("dialog button[type=submit]");
    browser.await(
        10,
        d ->
            d.findElements(By.cssSelector("#users tr[data-user='watched@example.com']")).isEmpty());
  }

  @Test
  @Order(8)
  void dnsSettingsAreSaved() throws Exception {
    browser.js("location.hash = '#/dns'");
    browser.setText("#dns textarea[name=searchDomains]", "corp.example");
    browser.find("#dns button[type=submit]").click();
    browser.awaitText("#toast", "DNS settings saved", 10);
    assertTrue(
        server
            .api("GET", "/api/v1/dns", null, 200)
            .path("searchDomains")
            .toString()
            .contains("corp.example"));
    browser.screenshot("11-dns");
  }

  @Test
  @Order(9)
  void aMachineIsRenamed() throws Exception {
    browser.js("location.hash = '#/machines'");
    browser.click("#machines tr[data-node^=webby] button[data-action=Rename]");
    WebElement name = browser.find("dialog input[name=name]");
    name.clear();
    name.sendKeys("webby-renamed");
    browser.click("dialog button[type=submit]");
    browser.awaitText("#machines tr[data-node^=webby-renamed]", "webby-renamed", 10);
  }

  @Test
  @Order(10)
  void aSubnetRoutersRoutesAreApprovedOnTheMachinesPage() throws Exception {
    browser.js("location.hash = '#/machines'");
    browser.awaitText("#live", "live", 15);
    String key = server.authKey("default", Map.of("preapproved", true));
    AgentUnderTest router = AgentUnderTest.start(lab, lab.device(), "router");
    router.up(base, key, "--advertise-routes", "10.77.0.0/24").requireOk("router up");
    browser.awaitText("#machines tr[data-node^=router]", "awaiting approval", 20);
    browser.click("#machines tr[data-node^=router] button[data-action='Approve routes']");
    assertTrue(browser.find("dialog input[name='10.77.0.0/24']").isSelected());
    browser.click("dialog button[type=submit]");
    browser.await(
        20,
        d -> {
          String row = d.findElement(By.cssSelector("#machines tr[data-node^=router]")).getText();
          return row.contains("10.77.0.0/24") && !row.contains("awaiting approval");
        });
    assertTrue(
        server
            .api("GET", "/api/v1/nodes", null, 200)
            .toString()
            .contains("\"approvedRoutes\":[\"10.77.0.0/24\"]"));
    browser.screenshot("12-machines-routes-approved");
  }

  @Test
  @Order(11)
  void signingOutEndsTheSession() throws Exception {
    browser.js("location.hash = '#/users'");
    browser.find("#users");
    String session = browser.driver.manage().getCookieNamed("trellis_session").getValue();
    HttpResponse<String> before = sessionCall(session);
    assertEquals(200, before.statusCode(), before.body());
    browser.find("#signout").click();
    browser.find("#signin-page");
    browser.screenshot("13-signed-out");
    HttpResponse<String> after = sessionCall(session);
    assertEquals(401, after.statusCode(), after.body());
    browser.open(base + "/#/machines");
    browser.find("#signin-page");
  }

  @Test
  @Order(12)
  void singleSignOnComesBackToTheConsoleSignedIn() throws Exception {
    MockOAuth2Server provider = new MockOAuth2Server();
    provider.start();
    try {
      String client = "trellis-console";
      server.api(
          "POST",
          "/api/v1/tailnets/default/settings",
          Map.of(
              "oidc",
              Map.of(
                  "issuer",
                  provider.issuerUrl("default").toString(),
                  "clientId",
                  client,
                  "clientSecret",
                  "console-client-secret",
                  "allowedEmailDomains",
                  List.of("example.com"))),
          200);
      provider.enqueueCallback(
          new DefaultOAuth2TokenCallback(
              "default",
              "carol-sub",
              "JWT",
              List.of(client),
              Map.of("email", "carol@example.com", "email_verified", true, "name", "Carol"),
              3600));
      browser.open(base + "/");
      browser.find("#signin-page");
      browser.setText("#tailnet", "default");
      WebElement sso = browser.find("#signin-sso");
      assertTrue(sso.getText().contains("single sign-on"), sso.getText());
      browser.screenshot("14-sign-in-sso-offered");
      sso.click();
      // The provider answers at once (non-interactive), the callback sets the cookie and sends the
      // browser back to the console, which finds the session by itself.
      browser.awaitText("#who", "carol@example.com", 20);
      browser.awaitText("h1", "Machines", 10);
      browser.screenshot("15-signed-in-by-sso");
      assertTrue(browser.driver.getCurrentUrl().startsWith(base + "/"));
      browser.find("#signout").click();
      browser.find("#signin-page");
    } finally {
      provider.shutdown();
    }
  }

  static HttpResponse<String> sessionCall(String session) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
                .header("Cookie", "trellis_session=" + session)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> bearerCall(String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
