// The access policy: an editor validated as you type (the policy service's dry run, which runs
// the file's tests too), problems shown at their line, a diff before saving, and the history.

import * as api from "./api.js";
import {diffLines, hunks} from "./diff.js";
import {fill, h, time, toast, when} from "./dom.js";

export const title = "Access policy";

export async function render(main) {
  const editable = api.atLeast("network-admin");
  const text = h("textarea", {id: "policy-text", spellcheck: false, "aria-label": "Policy (HuJSON)", readOnly: !editable});
  const gutter = h("div.gutter", {id: "gutter", "aria-hidden": "true"});
  const status = h("div", {id: "policy-status", role: "status"});
  const problems = h("ul.problems", {id: "problems"});
  const diffBox = h("div", {id: "policy-diff"});
  const review = h("button", {type: "button", id: "review", disabled: true}, "Review changes");
  const save = h("button", {type: "button", id: "save", hidden: true}, "Save policy");
  const revert = h("button.quiet", {type: "button", id: "revert"}, "Discard changes");
  const history = h("div", {id: "history"});
  fill(main,
    h("h1", "Access policy"),
    h("p.small.muted", "HuJSON: JSON with comments and trailing commas. Every change is checked, with the policy's own tests, as you type."),
    h("div.editor", gutter, text),
    status, problems,
    editable ? h("div.row", review, save, revert) : h("p.muted", "Your role may read the policy, not change it."),
    diffBox,
    h("h2", "History"), history);

  let current = await api.get("/api/v1/policy");
  text.value = current.text;
  let bad = new Set();
  let valid = true;

  const drawGutter = () => {
    const n = text.value.split("\n").length;
    fill(gutter, Array.from({length: n}, (_, k) => h(bad.has(k + 1) ? "span.bad" : "span", String(k + 1) + "\n")));
    gutter.scrollTop = text.scrollTop;
  };
  text.addEventListener("scroll", () => { gutter.scrollTop = text.scrollTop; });

  const goTo = (line) => {
    const lines = text.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((s, l) => s + l.length + 1, 0);
    text.focus();
    text.setSelectionRange(start, start + (lines[line - 1] || "").length);
    text.scrollTop = Math.max(0, (line - 5) * parseFloat(getComputedStyle(text).lineHeight));
  };

  let asked = 0;
  async function validate() {
    const mine = ++asked;
    const changed = text.value !== current.text;
    review.disabled = true;
    save.hidden = true;
    fill(diffBox);
    status.className = "muted";
    status.textContent = "Checking…";
    try {
      const r = await api.post("/api/v1/policy/validate", text.value, "application/hujson");
      if (mine !== asked) return;
      bad = new Set();
      valid = true;
      fill(problems);
      status.className = "ok";
      status.textContent = `Valid${r.tests ? ` · ${r.tests} policy test${r.tests === 1 ? "" : "s"} passed` : ""}${changed ? "" : " · no changes"}.`;
      review.disabled = !changed;
    } catch (e) {
      if (mine !== asked) return;
      valid = false;
      const list = e.body.problems || [];
      bad = new Set(list.map((p) => p.line).filter((l) => l > 0));
      status.className = "error";
      status.textContent = list.length ? `${list.length} problem${list.length === 1 ? "" : "s"}:` : e.message;
      fill(problems, list.map((p) => {
        const where = p.line > 0 ? `Line ${p.line}${p.column ? ", column " + p.column : ""}` : "Policy";
        const item = h("li", {dataset: {line: p.line}},
          h("a", {href: "#/policy"}, where), ": ",
          p.code === "POLICY_TESTS_FAILED" ? "test failed: " : "", p.message);
        item.querySelector("a").addEventListener("click", (ev) => {
          ev.preventDefault();
          if (p.line > 0) goTo(p.line);
        });
        return item;
      }));
    }
    drawGutter();
  }

  let timer;
  text.addEventListener("input", () => {
    drawGutter();
    clearTimeout(timer);
    timer = setTimeout(validate, 400);
  });

  review.addEventListener("click", () => {
    const ops = hunks(diffLines(current.text, text.value));
    const added = ops.filter((o) => o.op === "add").length;
    const removed = ops.filter((o) => o.op === "del").length;
    fill(diffBox,
      h("h2", `Changes from version ${current.version}: +${added} −${removed}`),
      h("div.diff", {id: "diff"}, ops.map((o) => h("span." + (o.op === "skip" ? "same" : o.op),
        (o.op === "add" ? "+ " : o.op === "del" ? "- " : "  ") + o.line))));
    save.hidden = !valid;
  });

  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      const r = await api.call("POST", "/api/v1/policy", text.value, "application/hujson",
        {"If-Match": String(current.version)});
      toast(`Policy saved as version ${r.version}.`);
      current = await api.get("/api/v1/policy");
      text.value = current.text;
      await validate();
      await loadHistory();
    } catch (e) {
      status.className = "error";
      status.textContent = e.code === "POLICY_VERSION_CONFLICT"
        ? "Someone saved the policy meanwhile. Copy your text, discard changes and edit the new version."
        : e.message;
    } finally {
      save.disabled = false;
    }
  });

  revert.addEventListener("click", () => {
    text.value = current.text;
    validate();
  });

  async function loadHistory() {
    if (!api.atLeast("auditor")) {
      fill(history, h("p.muted", `Version ${current.version}`, current.updatedAt ? ", saved " : "",
        current.updatedAt ? time(current.updatedAt) : "", current.updatedBy ? " by " + current.updatedBy : ""));
      return;
    }
    let events = [];
    try {
      events = await api.lines("/api/v1/audit?type=PolicyUpdated");
    } catch (e) {
      fill(history, h("p.muted", e.message));
      return;
    }
    events.reverse();
    const names = await api.userNames();
    fill(history, events.length ? h("table.responsive", h("thead", h("tr", ["Version", "Saved", "By", ""].map((t) => h("th", t)))),
      h("tbody", events.map((e) => {
        const body = (e.payload && (e.payload.hujson || e.payload.text)) || "";
        const show = h("button.quiet", {type: "button"}, "Compare with editor");
        show.addEventListener("click", () => {
          const ops = hunks(diffLines(body, text.value));
          fill(diffBox, h("h2", `Version ${e.payload.version} → editor`),
            h("div.diff", ops.map((o) => h("span." + (o.op === "skip" ? "same" : o.op),
              (o.op === "add" ? "+ " : o.op === "del" ? "- " : "  ") + o.line))));
        });
        const restore = h("button.quiet", {type: "button", disabled: !editable}, "Load into editor");
        restore.addEventListener("click", () => {
          text.value = body;
          validate();
        });
        return h("tr",
          h("td", {dataset: {label: "Version"}}, String((e.payload && e.payload.version) || "")),
          h("td", {dataset: {label: "Saved"}, title: when(e.time)}, time(e.time)),
          h("td", {dataset: {label: "By"}}, api.actorName(e.actor, names)),
          h("td", h("div.actions", show, restore)));
      }))) : h("p.muted", "The default policy is in force; nobody edited it yet."));
  }

  drawGutter();
  await validate();
  await loadHistory();
  return null;
}
