// Sign in: the tailnet's methods as /login/methods reports them (password, single sign-on, and
// any other method it names, as a link when it gives one).

import * as api from "./api.js";
import {fill, field, h} from "./dom.js";

const KNOWN = new Set(["password", "sso"]);
const LABELS = {github: "GitHub", google: "Google", microsoft: "Microsoft", sso: "single sign-on"};

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

  passwordForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const f = new FormData(passwordForm);
    try {
      localStorage.setItem("trellis.tailnet", tailnet.value.trim());
      await api.signIn(tailnet.value.trim(), f.get("email"), f.get("password"));
      window.dispatchEvent(new Event("trellis:signed-in"));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
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
    if (mine !== asked) return;
    // Single sign-on comes back to a device's page when one is being added.
    const next = device ? "&next=" + encodeURIComponent("/login/device/" + device) : "";
    const buttons = [];
    const add = (method, href, text) => {
      if (typeof href === "string" && href.startsWith("/") && !href.startsWith("//")) {
        buttons.push(h("a", {href: withNext(href), dataset: {method}}, text || "Continue with " + label(method)));
      }
    };
    const withNext = (href) => (next && !href.includes("next=") ? href + (href.includes("?") ? "" : "?") + next : href);
    const start = (provider) => "/login/oidc/start?tailnet=" + encodeURIComponent(name)
      + (provider ? "&provider=" + encodeURIComponent(provider) : "");
    for (const [method, value] of Object.entries(m || {})) {
      if (method === "etag" || method === "password" || !value) continue;
      if (Array.isArray(value)) {
        // a list of providers: [{id, name|label, start|url}]
        for (const p of value) {
          if (p && typeof p === "object") {
            const id = p.id || p.provider || p.name || method;
            add(id, p.start || p.url || p.href || start(id), p.label || p.displayName
              ? "Continue with " + (p.label || p.displayName) : null);
          } else if (typeof p === "string") {
            add(p, start(p));
          }
        }
      } else if (typeof value === "object") {
        add(method, value.start || value.url || value.href || start(method === "sso" ? null : method),
          value.label ? "Continue with " + value.label : null);
      } else if (method === "sso") {
        add(method, start(null));
      } else if (!KNOWN.has(method)) {
        add(method, start(method)); // a provider the server names without a URL
      }
    }
    fill(methods, buttons);
    passwordForm.hidden = m && m.password === false && buttons.length > 0;
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
    passwordForm, methods, error));
  if (tailnet.value) loadMethods();
  (tailnet.value ? passwordForm.querySelector("input") : tailnet).focus();
  return null;
}
