// API tokens: create one (shown once, with a copy button), list, revoke.

import * as api from "./api.js";
import {badge, choice, confirmAction, field, fill, h, onSubmit, shownOnce, time, toast} from "./dom.js";

export const title = "API tokens";

export async function render(main) {
  const me = api.session();
  const shown = h("div", {id: "new-token"});
  const error = h("div.error", {hidden: true});
  const roles = api.ROLES.filter((r) => api.atLeast(r)).map((r) => [r, r]);
  const form = h("form.card", {id: "create-token"},
    h("h2", "Create an API token"),
    h("p.small.muted", "A token acts as you, with your role or a lower one, until it expires or is revoked."),
    h("div.grid",
      field("Description", {name: "description", placeholder: "e.g. CI deploys"}),
      choice("Role", "role", roles, me.role),
      choice("Expires after", "expiry", [["1d", "1 day"], ["7d", "7 days"], ["30d", "30 days"], ["90d", "90 days"],
        ["365d", "1 year"]], "90d")),
    error,
    h("div.row", h("button", {type: "submit"}, "Create token")));
  const body = h("tbody", {id: "tokens"});
  const table = h("table.responsive", h("thead", h("tr",
    ["Token", "Description", "Role", "Owner", "Expires", "State", ""].map((t) => h("th", t)))), body);
  fill(main, h("h1", "API tokens"), shown, form, h("h2", "Tokens"), table);

  async function reload() {
    const [list, people] = await Promise.all([
      api.get("/api/v1/tokens"),
      api.get("/api/v1/users").catch(() => ({users: []})),
    ]);
    const users = new Map(people.users.map((u) => [u.id, u.email]));
    fill(body, list.tokens.length ? list.tokens.map((t) => {
      const revoke = h("button.danger", {type: "button", disabled: t.revoked}, "Revoke");
      revoke.addEventListener("click", async () => {
        if (!(await confirmAction("Revoke this token?", `Programs using ${t.prefix}… stop working at once.`, "Revoke"))) return;
        try {
          await api.post(`/api/v1/tokens/${encodeURIComponent(t.id)}/revoke`, {});
          toast("Token revoked.");
          await reload();
        } catch (e) {
          toast(e.message);
        }
      });
      const expired = t.expiresAt && new Date(t.expiresAt) < new Date();
      return h("tr", {dataset: {token: t.id, description: t.description || ""}},
        h("td.mono", {dataset: {label: "Token"}}, t.prefix + "…"),
        h("td", {dataset: {label: "Description"}}, t.description || h("span.muted", "—")),
        h("td", {dataset: {label: "Role"}}, t.role),
        h("td", {dataset: {label: "Owner"}}, users.get(t.ownerUserId) || t.ownerUserId),
        h("td", {dataset: {label: "Expires"}}, t.expiresAt ? time(t.expiresAt) : "never"),
        h("td", {dataset: {label: "State"}}, t.revoked ? badge("revoked", "bad") : expired ? badge("expired", "bad") : badge("active", "ok")),
        h("td", revoke));
    }) : h("tr", h("td", {colspan: 7}, h("span.muted", "No API tokens yet."))));
  }

  onSubmit(form, error, async (f) => {
    const created = await api.post("/api/v1/tokens", {
      description: f.get("description") || undefined, role: f.get("role"), expiry: f.get("expiry")});
    fill(shown, shownOnce("Your new API token", created.token,
      "Shown once: copy it now. Send it as: Authorization: Bearer <token>"));
    form.reset();
    await reload();
  });
  await reload();
  return null;
}
