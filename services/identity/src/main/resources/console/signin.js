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
    const next = device ? "&next=" + encodeURIComponent("/login/device/" + device) : "";
    const buttons = [];
    for (const [method, value] of Object.entries(m || {})) {
      if (method === "etag" || method === "password" || !value) continue;
      let href = null;
      if (method === "sso") {
        href = "/login/oidc/start?tailnet=" + encodeURIComponent(name) + next;
      } else if (typeof value === "object" && typeof value.start === "string" && value.start.startsWith("/")) {
        href = value.start;
      } else if (!KNOWN.has(method)) {
        href = "/login/oidc/start?tailnet=" + encodeURIComponent(name) + "&provider=" + encodeURIComponent(method) + next;
      }
      if (href) {
        buttons.push(h("a", {href, dataset: {method}}, "Continue with " + label(method)));
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
