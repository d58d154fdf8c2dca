// The console's shell: who is signed in, the navigation, and which page shows (by the URL's hash).

import * as api from "./api.js";
import {fill, h, toast} from "./dom.js";

const pages = {
  machines: () => import("./machines.js"),
  keys: () => import("./keys.js"),
  users: () => import("./users.js"),
  tokens: () => import("./tokens.js"),
  policy: () => import("./policy.js"),
  dns: () => import("./dns.js"),
  audit: () => import("./audit.js"),
  device: () => import("./device.js"),
};

const main = document.getElementById("main");
let stopCurrent = null;

async function show() {
  if (stopCurrent) {
    stopCurrent();
    stopCurrent = null;
  }
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
  const page = pages[name] ? name : "machines";
  const me = api.session();
  document.getElementById("top").hidden = !me;
  if (!me) {
    const signin = await import("./signin.js");
    document.title = "Sign in · Trellis";
    stopCurrent = signin.render(main, {next: location.hash, device: page === "device" ? args[0] : null});
    return;
  }
  document.getElementById("who").textContent = `${me.email} · ${me.role} · ${me.tailnet}`;
  // The audit is for auditors and above (the API refuses members).
  document.querySelector('#nav a[data-page="audit"]').hidden = !api.atLeast("auditor");
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("current", a.dataset.page === page);
  }
  try {
    const module = await pages[page]();
    fill(main, h("p.muted", "Loading…"));
    document.title = `${module.title} · Trellis`;
    stopCurrent = (await module.render(main, args.map(decodeURIComponent))) || null;
  } catch (e) {
    fill(main, h("div.error", e.message));
  }
}

document.getElementById("signout").addEventListener("click", async () => {
  try {
    await api.signOut();
    toast("Signed out.");
  } catch (e) {
    toast(e.message);
  }
  location.hash = "#/";
  show();
});

window.addEventListener("hashchange", show);
window.addEventListener("trellis:signed-in", show);
window.addEventListener("trellis:signed-out", (e) => {
  toast("Your session ended: " + e.detail);
  show();
});

api.loadSession().then(show, (e) => fill(main, h("div.error", "The server cannot be reached: " + e.message)));
