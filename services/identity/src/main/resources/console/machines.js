// Machines: every node of the tailnet with its state, its routes and the actions on it; updated
// live from the tailnet's events.

import * as api from "./api.js";
import {ask, badge, confirmAction, field, fill, h, time, toast} from "./dom.js";

export const title = "Machines";

const SOON_MS = 7 * 86400e3;

function expiry(n) {
  if (n.keyExpiryDisabled) return badge("expiry disabled");
  if (n.expired) return badge("key expired", "bad");
  if (!n.keyExpiry) return h("span.muted", "—");
  const left = new Date(n.keyExpiry).getTime() - Date.now();
  return h("span", left < SOON_MS ? badge("expires soon", "warn") : null, time(n.keyExpiry));
}

function status(n) {
  if (n.revoked) return badge("revoked", "bad");
  if (n.offlineSince) return h("span", h("span.dot"), "offline · last seen ", time(n.offlineSince));
  return h("span", h("span.dot.on"), "online");
}

function routes(n) {
  const adv = n.advertisedRoutes || [];
  if (!adv.length) return h("span.muted", "—");
  const approved = new Set(n.approvedRoutes || []);
  const primary = new Set(n.primaryRoutes || []);
  return h("div", adv.map((r) => h("div.mono",
    r, " ",
    primary.has(r) ? badge("primary", "ok") : null,
    approved.has(r) ? badge("approved", "ok") : badge("awaiting approval", "warn"))));
}

async function act(what, fn, reload) {
  try {
    await fn();
    toast(what);
    await reload();
  } catch (e) {
    toast(e.message);
  }
}

function actions(n, reload) {
  const base = "/api/v1/nodes/" + encodeURIComponent(n.id);
  const buttons = [];
  const button = (text, fn, cls) => {
    const el = h("button" + (cls ? "." + cls : ".quiet"), {type: "button", dataset: {action: text}}, text);
    el.addEventListener("click", fn);
    buttons.push(el);
  };
  if (!n.approved) {
    button("Approve", () => act(`${n.name} approved.`, () => api.post(base + "/approve", {}), reload), "primary");
  }
  const waiting = (n.advertisedRoutes || []).filter((r) => !(n.approvedRoutes || []).includes(r));
  if ((n.advertisedRoutes || []).length) {
    button(waiting.length ? "Approve routes" : "Routes", async () => {
      const v = await ask(`Routes of ${n.name}`,
        (n.advertisedRoutes || []).map((r) => field(r, {type: "checkbox", name: r,
          checked: (n.approvedRoutes || []).includes(r) || waiting.includes(r)})), "Approve");
      if (!v) return;
      const chosen = Object.entries(v).filter(([, on]) => on).map(([r]) => r);
      act("Routes saved.", () => api.post(base + "/routes", {routes: chosen}), reload);
    });
  }
  button("Rename", async () => {
    const v = await ask(`Rename ${n.name}`, [field("Name", {name: "name", value: n.name, required: true,
      pattern: "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", title: "lower-case letters, digits and dashes"})]);
    if (v) act("Renamed.", () => api.post(base + "/rename", {name: v.name.trim()}), reload);
  });
  button("Tags", async () => {
    const v = await ask(`Tags of ${n.name}`, [field("Tags (space separated, e.g. tag:server)",
      {name: "tags", value: (n.tags || []).join(" ")})]);
    if (v) {
      const tags = v.tags.split(/[\s,]+/).filter(Boolean);
      act("Tags saved.", () => api.post(base + "/tags", {tags}), reload);
    }
  });
  if (!n.keyExpiryDisabled) {
    button("Disable key expiry", () => act("Key expiry disabled.",
      () => api.post(base + "/key-expiry", {disabled: true}), reload));
  }
  if (!n.expired) {
    button("Expire key", async () => {
      if (await confirmAction(`Expire ${n.name}'s key?`, "The device must sign in again to reconnect.", "Expire")) {
        act("Key expired.", () => api.post(base + "/expire", {}), reload);
      }
    });
  }
  button("Delete", async () => {
    if (await confirmAction(`Delete ${n.name}?`, "The device leaves the tailnet and loses its addresses.", "Delete")) {
      act(`${n.name} deleted.`, () => api.post(base + "/remove", {}), reload);
    }
  }, "danger");
  return h("div.actions", buttons);
}

function row(n, users, reload) {
  const owner = n.userId ? (users.get(n.userId) || n.userId) : h("span.muted", "tagged");
  return h("tr", {dataset: {node: n.name}},
    h("td", {dataset: {label: "Machine"}},
      h("strong", n.name), h("div.small.muted", n.hostname && n.hostname !== n.name ? n.hostname : ""),
      !n.approved ? badge("needs approval", "warn") : null,
      n.ephemeral ? badge("ephemeral") : null),
    h("td", {dataset: {label: "Owner"}}, owner),
    h("td.mono", {dataset: {label: "Addresses"}}, (n.addresses || []).map((a) => h("div", a))),
    h("td", {dataset: {label: "OS"}}, n.os || "—"),
    h("td", {dataset: {label: "Status"}}, status(n)),
    h("td", {dataset: {label: "Tags"}}, (n.tags || []).length ? n.tags.map((t) => badge(t)) : h("span.muted", "—")),
    h("td", {dataset: {label: "Key expiry"}}, expiry(n)),
    h("td", {dataset: {label: "Routes"}}, routes(n)),
    h("td", {dataset: {label: "Actions"}}, api.atLeast("network-admin") ? actions(n, reload) : null));
}

export async function render(main) {
  const live = h("span.live", {id: "live"}, "connecting…");
  const filter = h("input", {type: "search", placeholder: "Filter by name, owner, address, tag", id: "machine-filter"});
  const body = h("tbody", {id: "machines"});
  const table = h("table.responsive", h("thead", h("tr",
    ["Machine", "Owner", "Addresses", "OS", "Status", "Tags", "Key expiry", "Routes", ""].map((t) => h("th", t)))), body);
  const empty = h("p.muted", {hidden: true}, "No machines yet. Create an auth key and run ",
    h("code", "trellis up --auth-key …"), " on a device.");
  fill(main, h("h1", "Machines", live), h("div.row", filter), h("p"), table, empty);

  let users = new Map();
  let nodes = [];
  let last = "";
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = nodes.filter((n) => !q || [n.name, n.hostname, n.os, users.get(n.userId), ...(n.addresses || []), ...(n.tags || [])]
      .some((s) => s && String(s).toLowerCase().includes(q)));
    fill(body, shown.map((n) => row(n, users, reload)));
    empty.hidden = nodes.length > 0;
  };
  async function reload() {
    const [list, people] = await Promise.all([
      api.get("/api/v1/nodes"),
      api.get("/api/v1/users").catch(() => ({users: []})),
    ]);
    const seen = JSON.stringify([list.nodes, people.users]);
    if (seen === last) return; // nothing changed: keep the rows (and any button being clicked)
    last = seen;
    users = new Map(people.users.map((u) => [u.id, u.email]));
    nodes = list.nodes.sort((a, b) => (a.approved === b.approved ? a.name.localeCompare(b.name) : a.approved ? 1 : -1));
    draw();
  }
  filter.addEventListener("input", draw);
  await reload();

  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(() => reload().catch(() => {}), 250);
  };
  // Live updates follow the tailnet's events through the audit, which auditors and above may
  // read; every role also polls slowly (a member only polls).
  let stop = () => {};
  if (api.atLeast("auditor")) {
    stop = api.follow({}, (e) => {
      if (/Node|Address|Route|HostInfo/.test(e.type)) refresh();
    }, (on) => {
      live.textContent = on ? "live" : "reconnecting…";
      live.classList.toggle("on", on);
    });
  } else {
    live.textContent = "refreshes every 15 s";
  }
  const poll = setInterval(refresh, 15000);
  return () => {
    stop();
    clearInterval(poll);
  };
}
