// Users and roles: invite, change a role, remove.

import * as api from "./api.js";
import {choice, confirmAction, field, fill, h, onSubmit, time, toast} from "./dom.js";

export const title = "Users";

export async function render(main) {
  const me = api.session();
  const admin = api.atLeast("admin");
  const grantable = api.ROLES.filter((r) => api.atLeast(r)).map((r) => [r, r]);
  const error = h("div.error", {hidden: true});
  const form = h("form.card", {id: "invite-user"},
    h("h2", "Add a user"),
    h("p.small.muted", "They sign in with single sign-on, or with a password an admin sets."),
    h("div.grid",
      field("Email", {name: "email", type: "email", required: true}),
      field("Display name", {name: "displayName"}),
      choice("Role", "role", grantable, "member")),
    error,
    h("div.row", h("button", {type: "submit"}, "Add user")));
  const body = h("tbody", {id: "users"});
  const table = h("table.responsive", h("thead", h("tr",
    ["User", "Role", "Sign-in", "Joined", "Last sign-in", ""].map((t) => h("th", t)))), body);
  fill(main, h("h1", "Users"), admin ? form : null, table);

  async function reload() {
    const list = await api.get("/api/v1/users");
    const users = list.users.sort((a, b) => a.email.localeCompare(b.email));
    fill(body, users.map((u) => {
      const role = h("select", {name: "role", disabled: !admin || u.id === me.userId, "aria-label": "Role of " + u.email},
        api.ROLES.map((r) => h("option", {value: r, selected: r === u.role, disabled: !api.atLeast(r)}, r)));
      role.addEventListener("change", async () => {
        try {
          await api.post(`/api/v1/users/${encodeURIComponent(u.id)}/role`, {role: role.value});
          toast(`${u.email} is now ${role.value}.`);
        } catch (e) {
          toast(e.message);
        }
        await reload();
      });
      const password = h("button.quiet", {type: "button"}, "Set password");
      password.addEventListener("click", async () => {
        const { ask } = await import("./dom.js");
        const v = await ask(`Password for ${u.email}`, [field("New password (12 characters or more)",
          {name: "password", type: "password", minlength: 12, required: true, autocomplete: "new-password"})]);
        if (!v) return;
        try {
          await api.post(`/api/v1/users/${u.id === me.userId ? "me" : encodeURIComponent(u.id)}/password`, {password: v.password});
          toast("Password set.");
        } catch (e) {
          toast(e.message);
        }
      });
      const remove = h("button.danger", {type: "button", disabled: u.id === me.userId}, "Remove");
      remove.addEventListener("click", async () => {
        if (!(await confirmAction(`Remove ${u.email}?`, "Their sessions and API tokens stop working.", "Remove"))) return;
        try {
          await api.post(`/api/v1/users/${encodeURIComponent(u.id)}/remove`, {});
          toast(`${u.email} removed.`);
          await reload();
        } catch (e) {
          toast(e.message);
        }
      });
      return h("tr", {dataset: {user: u.email}},
        h("td", {dataset: {label: "User"}}, h("strong", u.displayName || u.email),
          u.displayName ? h("div.small.muted", u.email) : null, u.id === me.userId ? h("span.badge", "you") : null),
        h("td", {dataset: {label: "Role"}}, role),
        h("td", {dataset: {label: "Sign-in"}}, u.loginMethod),
        h("td", {dataset: {label: "Joined"}}, time(u.createdAt)),
        h("td", {dataset: {label: "Last sign-in"}}, time(u.lastLoginAt)),
        h("td", h("div.actions", admin || u.id === me.userId ? password : null, admin ? remove : null)));
    }));
  }

  onSubmit(form, error, async (f) => {
    await api.post("/api/v1/users", {email: f.get("email"), role: f.get("role"),
      displayName: f.get("displayName") || undefined});
    toast(`${f.get("email")} added.`);
    form.reset();
    await reload();
  });
  await reload();
  return null;
}
