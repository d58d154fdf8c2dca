package dev.trellis.identity.devicelogin;

/**
 * The HTML of the device login page: a sign-in form that logs in with {@code POST /api/v1/login}
 * and then approves the device with the session, or approves with an existing SSO session cookie.
 * Once a tailnet is typed it asks {@code /login/methods} and offers that tailnet's single sign-on
 * (returning here through {@code next}) when one is configured, hiding the password form when only
 * single sign-on is allowed. The code is validated by the caller ({@code [A-Za-z0-9_-]}), so it
 * needs no escaping.
 *
 * <p>Thread-safety: stateless.
 */
final class DeviceLoginPage {
  private DeviceLoginPage() {}

  static String html(String code) {
    return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Trellis: add a device</title></head>
        <body>
        <h1>Add a device to your tailnet</h1>
        <p>A device asked to join. Sign in to add it to your tailnet.</p>
        <p id="back" hidden>You are signed in with single sign-on.
           <button id="sso-add">Add the device to my tailnet</button></p>
        <label>Tailnet <input id="tailnet" name="tailnet" form="f" required></label>
        <p id="sso-offer" hidden><a id="sso-link" href="#">Sign in with single sign-on</a></p>
        <form id="f">
          <label>Email <input name="email" type="email" required></label><br>
          <label>Password <input name="password" type="password" required></label><br>
          <button type="submit">Sign in and add the device</button>
        </form>
        <p>Signed in with single sign-on already?
           <button id="sso">Add the device with my SSO session</button></p>
        <p id="out" role="status"></p>
        <script>
        const code = "%s";
        const out = document.getElementById("out");
        async function approve(headers) {
          const r = await fetch("/api/v1/device-logins/" + code, {method: "POST", headers});
          const b = await r.json();
          out.textContent = r.ok ? "The device was added. You can close this page."
                                 : (b.error ? b.error.message : "Failed.");
        }
        const tailnet = document.getElementById("tailnet");
        tailnet.onchange = async () => {
          const offer = document.getElementById("sso-offer");
          offer.hidden = true;
          if (!tailnet.value) { return; }
          const r = await fetch("/login/methods?tailnet=" + encodeURIComponent(tailnet.value));
          if (!r.ok) { return; }
          const m = await r.json();
          document.getElementById("sso-link").href = "/login/oidc/start?tailnet="
              + encodeURIComponent(tailnet.value) + "&next=/login/device/" + code;
          offer.hidden = !m.sso;
          document.getElementById("f").hidden = !m.password && m.sso;
        };
        document.getElementById("f").onsubmit = async (e) => {
          e.preventDefault();
          const d = Object.fromEntries(new FormData(e.target));
          const r = await fetch("/api/v1/login", {method: "POST",
              headers: {"Content-Type": "application/json"}, body: JSON.stringify(d)});
          const b = await r.json();
          if (!r.ok) { out.textContent = b.error ? b.error.message : "Sign-in failed."; return; }
          await approve({"Authorization": "Bearer " + b.token});
        };
        document.getElementById("sso").onclick = () => approve({});
        document.getElementById("sso-add").onclick = () => approve({});
        // back from single sign-on: the user still confirms (a link alone never adds a device)
        document.getElementById("back").hidden = !location.search.includes("sso=1");
        </script>
        </body></html>
        """
        .formatted(code);
  }
}
