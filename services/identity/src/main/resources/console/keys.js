// Auth keys: create one with every option (shown once, with a copy button), list, revoke.

import * as api from "./api.js";
import {badge, choice, confirmAction, field, fill, h, onSubmit, shownOnce, time, toast} from "./dom.js";

export const title = "Auth keys";

function state(k) {
  if (k.revoked) return badge("revoked", "bad");
  if (k.expiresAt && new Date(k.expiresAt) < new Date()) return badge("expired", "bad");
  if (!k.reusable && k.useCount > 0) return badge("used", "warn");
  if (k.usageLimit && k.useCount >= k.usageLimit) return badge("used up", "warn");
  return badge("active", "ok");
}

export async function render(main) {
  const shown = h("div", {id: "new-key"});
  const error = h("div.error", {hidden: true});
  const form = h("form.card", {id: "create-key"},
    h("h2", "Create an auth key"),
    h("div.grid",
      field("Description", {name: "description", maxlength: 256, placeholder: "e.g. build servers"}),
      choice("Expires after", "expiry", [["1h", "1 hour"], ["24h", "1 day"], ["7d", "7 days"], ["30d", "30 days"],
        ["90d", "90 days"], ["365d", "1 year"]], "90d"),
      field("Tags (space separated)", {name: "tags", placeholder: "tag:server"}),
      field("Usage limit (reusable keys; 0 = unlimited)", {name: "uses", type: "number", min: 0, value: "0"})),
    h("div.row",
      field("Reusable", {name: "reusable", type: "checkbox"}),
      field("Ephemeral (devices removed when offline)", {name: "ephemeral", type: "checkbox"}),
      field("Pre-approved", {name: "preapproved", type: "checkbox"})),
    error,
    h("div.row", h("button", {type: "submit"}, "Create key")));
  const body = h("tbody", {id: "keys"});
  const table = h("table.responsive", h("thead", h("tr",
    ["Key", "Description", "Options", "Tags", "Uses", "Created", "Expires", "State", ""].map((t) => h("th", t)))), body);
  fill(main, h("h1", "Auth keys"), shown, api.atLeast("admin") ? form : null, h("h2", "Keys"), table);

  async function reload() {
    const list = await api.get("/api/v1/authkeys");
    const keys = list.authkeys.sort((a, b) => (b.createdAt || "").localeCompare(a.createdAt || ""));
    fill(body, keys.length ? keys.map((k) => {
      const revoke = h("button.danger", {type: "button", disabled: k.revoked}, "Revoke");
      revoke.addEventListener("click", async () => {
        if (!(await confirmAction("Revoke this key?", `Devices can no longer join with ${k.prefix}…`, "Revoke"))) return;
        try {
          await api.post(`/api/v1/authkeys/${encodeURIComponent(k.id)}/revoke`, {});
          toast("Key revoked.");
          await reload();
        } catch (e) {
          toast(e.message);
        }
      });
      return h("tr", {dataset: {key: k.id}},
        h("td.mono", {dataset: {label: "Key"}}, k.prefix + "…"),
        h("td", {dataset: {label: "Description"}}, k.description || h("span.muted", "—")),
        h("td", {dataset: {label: "Options"}}, k.reusable ? badge("reusable") : badge("one use"),
          k.ephemeral ? badge("ephemeral") : null, k.preapproved ? badge("pre-approved") : null),
        h("td", {dataset: {label: "Tags"}}, (k.tags || []).map((t) => badge(t))),
        h("td", {dataset: {label: "Uses"}}, String(k.useCount) + (k.usageLimit ? " / " + k.usageLimit : "")),
        h("td", {dataset: {label: "Created"}}, time(k.createdAt)),
        h("td", {dataset: {label: "Expires"}}, time(k.expiresAt)),
        h("td", {dataset: {label: "State"}}, state(k)),
        h("td", api.atLeast("admin") ? revoke : null));
    }) : h("tr", h("td", {colspan: 9}, h("span.muted", "No auth keys yet."))));
  }

  onSubmit(form, error, async (f) => {
    const body = {
      description: f.get("description") || undefined,
      expiry: f.get("expiry"),
      reusable: form.elements.reusable.checked,
      ephemeral: form.elements.ephemeral.checked,
      preapproved: form.elements.preapproved.checked,
      tags: String(f.get("tags") || "").split(/[\s,]+/).filter(Boolean),
    };
    const uses = Number(f.get("uses") || 0);
    if (body.reusable && uses > 0) body.uses = uses;
    const created = await api.post("/api/v1/authkeys", body);
    fill(shown, shownOnce("Your new auth key", created.key,
      "Shown once: copy it now. A device joins with: trellis up --auth-key <key>"));
    form.reset();
    await reload();
  });
  await reload();
  return null;
}
