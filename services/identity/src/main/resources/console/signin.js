// Sign in: the tailnet's methods as /login/methods reports them: password, and single sign-on
// labelled with its provider (GitHub, Google, Microsoft or generic OIDC).

import * as api from "./api.js";
import {fill, field, h, onSubmit} from "./dom.js";

const LABELS = {github: "GitHub", google: "Google", microsoft: "Microsoft", oidc: "single sign-on", sso: "single sign-on"};

function label(name) {
  return LABELS[name] || name.replace(/[-_]/g, " ");
}

export function render(main, {device}) {
  const error = h("div.error", {hidden: true, id: "signin-error"});
  const tailnet = h("input", {name: "tailnet", id: "tailnet", required: true, autocomplete: "organization",
    value: localStorage.getItem("trellis.tailnet") || ""});
  const methods = h("div.methods", {id: "methods"});
  const passwordForm = h("form", {id: "signin"},
    field("Email", {name: "email", type: "email", required: true, autocomplete: "username"}),
    field("Password", {name: "password", type: "password", required: true, autocomplete: "current-password"}),
    h("div.row", h("button", {type: "submit", id: "signin-submit"}, "Sign in")));

  onSubmit(passwordForm, error, async (f) => {
    localStorage.setItem("trellis.tailnet", tailnet.value.trim());
    await api.signIn(tailnet.value.trim(), f.get("email"), f.get("password"));
    window.dispatchEvent(new Event("trellis:signed-in"));
  });

  let asked = 0;
  async function loadMethods() {
    const name = tailnet.value.trim();
    const mine = ++asked;
    fill(methods);
    passwordForm.hidden = false;
    if (!name) return;
    let m;
    try {
      m = await api.get("/login/methods?tailnet=" + encodeURIComponent(name));
    } catch {
      return;
    }
    if (mine !== asked || !m) return;
    const buttons = [];
    if (m.sso === true) {
      // The tailnet's single sign-on: GitHub, Google, Microsoft or another OIDC provider. After the
      // provider, the server sends the browser back here (or to the device's page when one is
      // being added).
      const provider = m.provider && typeof m.provider.sso === "string" ? m.provider.sso : "sso";
      let href = "/login/oidc/start?tailnet=" + encodeURIComponent(name);
      if (device) href += "&next=" + encodeURIComponent("/login/device/" + device);
      buttons.push(h("a.button", {href, id: "signin-sso", dataset: {method: provider}},
        "Continue with " + label(provider)));
    }
    fill(methods, buttons);
    passwordForm.hidden = m.password === false && buttons.length > 0;
  }
  tailnet.addEventListener("change", loadMethods);
  tailnet.addEventListener("input", () => {
    clearTimeout(tailnet.timer);
    tailnet.timer = setTimeout(loadMethods, 400);
  });

  fill(main, h("div.card.narrow", {id: "signin-page"},
    h("h1", device ? "Sign in to add a device" : "Sign in to Trellis"),
    device ? h("p.muted", "A device asked to join your tailnet. Sign in, then confirm it.") : null,
    h("label", {for: "tailnet"}, "Tailnet"), tailnet,
    passwordForm, methods, error, device ? null : firstSignIn(error)));
  if (tailnet.value) loadMethods();
  (tailnet.value ? passwordForm.querySelector("input") : tailnet).focus();
  return null;
}

// The first administrator has an API token (in the server's state directory, admin-token) but no
// password yet: with the token, the console asks the API whose it is, sets that user's password and
// signs in with it. The token is sent only as a bearer header on those two calls and kept nowhere.
function firstSignIn(error) {
  const form = h("form", {id: "first-signin"},
    h("p.muted", "The server's first administrator signs in here once: paste the token from the",
      " state directory's admin-token file and choose a password."),
    field("Admin token", {name: "token", type: "password", required: true, autocomplete: "off"}),
    field("New password (at least 12 characters)",
      {name: "password", type: "password", required: true, minlength: 12, autocomplete: "new-password"}),
    h("div.row", h("button", {type: "submit", id: "first-signin-submit"}, "Set password and sign in")));
  onSubmit(form, error, async (f) => {
    const bearer = {"Authorization": "Bearer " + String(f.get("token")).trim()};
    const password = String(f.get("password"));
    const who = await api.call("GET", "/api/v1/session", undefined, undefined, bearer);
    await api.call("POST", "/api/v1/users/me/password", {password}, undefined, bearer);
    localStorage.setItem("trellis.tailnet", who.tailnet);
    await api.signIn(who.tailnet, who.email, password);
    window.dispatchEvent(new Event("trellis:signed-in"));
  });
  return h("details", {id: "first-signin-box"}, h("summary", "First sign-in with the admin token"), form);
}
