// The audit: the tailnet's history, filtered by time, actor, type and subject, following new
// events live; each event reads as a sentence with its details on demand.

import * as api from "./api.js";
import {field, fill, h, time, when} from "./dom.js";

export const title = "Audit";

function words(type) {
  const short = type.slice(type.lastIndexOf(".") + 1);
  return short.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().replace(/^./, (c) => c.toUpperCase());
}

function item(e, names, fresh) {
  const refused = /Refused|Failed|Rejected/.test(e.type);
  return h("div.event" + (refused ? ".refused" : "") + (fresh ? ".new" : ""), {dataset: {type: e.type.slice(e.type.lastIndexOf(".") + 1)}},
    h("div.row",
      h("span.what", words(e.type)),
      e.subject ? h("span", "· " + e.subject) : null),
    h("div.small.muted",
      "by ", api.actorName(e.actor, names), " · ",
      h("time", {datetime: e.time, title: when(e.time)}, when(e.time)), " (", time(e.time), ")"),
    h("details", h("summary.small", "Details"), h("pre", JSON.stringify({
      type: e.type, actor: e.actor, eventId: e.eventId, topic: e.topic, offset: e.offset, payload: e.payload}, null, 2))));
}

export async function render(main) {
  const form = h("form.card.grid", {id: "audit-filters"},
    field("Since", {name: "since", type: "datetime-local"}),
    field("Until", {name: "until", type: "datetime-local"}),
    field("Actor (id or email)", {name: "actor"}),
    field("Event type (e.g. NodeRegistered)", {name: "type", list: "audit-types"}),
    field("Subject contains", {name: "subject"}),
    h("div", h("label", "\u00a0"), h("button", {type: "submit"}, "Apply")));
  const types = h("datalist", {id: "audit-types"});
  const live = h("span.live", {id: "live"}, "connecting…");
  const list = h("div", {id: "events"});
  const count = h("p.small.muted");
  fill(main, h("h1", "Audit", live), form, types, count, list);

  let stop = null;
  let shown = [];
  async function load() {
    if (stop) stop();
    const f = form.elements;
    const query = {};
    if (f.since.value) query.since = new Date(f.since.value).toISOString();
    if (f.actor.value.trim()) query.actor = f.actor.value.trim();
    if (f.type.value.trim()) query.type = f.type.value.trim();
    const subject = f.subject.value.trim().toLowerCase();
    const until = f.until.value ? new Date(f.until.value).getTime() : null;
    const keep = (e) => (!subject || (e.subject || "").toLowerCase().includes(subject))
      && (until === null || new Date(e.time).getTime() <= until);
    fill(list, h("p.muted", "Loading…"));
    shown = (await api.lines("/api/v1/audit?" + new URLSearchParams(query))).filter(keep).reverse();
    const seen = new Set(shown.map((e) => e.eventId));
    fill(types, [...new Set(shown.map((e) => e.type.slice(e.type.lastIndexOf(".") + 1)))].sort().map((t) => h("option", {value: t})));
    const draw = () => {
      count.textContent = `${shown.length} event${shown.length === 1 ? "" : "s"}, newest first`
        + (shown.length > 500 ? " (the newest 500 shown: narrow the filters to see older ones)" : "");
    };
    const names = await api.userNames();
    fill(list, shown.slice(0, 500).map((e) => item(e, names)));
    draw();
    if (until !== null && until < Date.now()) {
      live.textContent = "not following (the period has ended)";
      live.classList.remove("on");
      stop = null;
      return;
    }
    stop = api.follow(query, (e) => {
      if (seen.has(e.eventId) || !keep(e)) return;
      seen.add(e.eventId);
      shown.unshift(e);
      list.prepend(item(e, names, true));
      draw();
    }, (on) => {
      live.textContent = on ? "following live" : "reconnecting…";
      live.classList.toggle("on", on);
    });
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load().catch((err) => fill(list, h("div.error", err.message)));
  });
  await load();
  return () => stop && stop();
}
