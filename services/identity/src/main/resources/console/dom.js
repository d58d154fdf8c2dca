// Building the page: every piece of data reaches the DOM as text (textContent), never as HTML.

/** An element: h("button.danger", {type: "button", onclick: fn}, "text", child, ...). */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** "3 minutes ago", "in 5 days". */
export function ago(iso) {
  if (!iso) return "";
  const ms = new Date(iso).getTime() - Date.now();
  const abs = Math.abs(ms);
  const units = [["day", 86400e3], ["hour", 3600e3], ["minute", 60e3], ["second", 1e3]];
  const rtf = new Intl.RelativeTimeFormat(undefined, {numeric: "auto"});
  for (const [unit, size] of units) {
    if (abs >= size || unit === "second") return rtf.format(Math.round(ms / size), unit);
  }
  return "";
}

/** A local date and time. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

/** A time element showing relative time, with the exact time on hover. */
export function time(iso) {
  return iso ? h("time", {datetime: iso, title: when(iso)}, ago(iso)) : h("span.muted", "—");
}

/** A badge. */
export function badge(text, kind) {
  return h("span.badge" + (kind ? "." + kind : ""), text);
}

/** A modal dialog with a form; resolves with the form's values, or null when cancelled. */
export function ask(title, fields, submitText = "Save") {
  return new Promise((resolve) => {
    const form = h("form", {method: "dialog"},
      h("h2", title),
      fields,
      h("div.row", {style: null},
        h("button", {type: "submit", value: "ok"}, submitText),
        h("button.quiet", {type: "button", onclick: () => { dialog.close(); }}, "Cancel")));
    const dialog = h("dialog", form);
    let ok = false;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      ok = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      const values = ok ? formValues(form) : null;
      dialog.remove();
      resolve(values);
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector("input, select, textarea");
    if (first) first.focus();
  });
}

/** A yes/no question in a dialog. */
export async function confirmAction(title, text, yes = "Confirm") {
  return (await ask(title, [h("p", text)], yes)) !== null;
}

/** A form's values: checkboxes as booleans, the rest as strings. */
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  return out;
}

/** A labelled input. */
export function field(label, attrs) {
  const id = "f-" + attrs.name + "-" + Math.random().toString(36).slice(2, 7);
  if (attrs.type === "checkbox") {
    return h("label.check", {for: id}, h("input", {id, ...attrs}), label);
  }
  return h("div", h("label", {for: id}, label), h(attrs.tag || "input", {id, ...attrs, tag: undefined}));
}

/** A select with options [[value, text]]. */
export function choice(label, name, options, selected) {
  const id = "f-" + name + "-" + Math.random().toString(36).slice(2, 7);
  return h("div", h("label", {for: id}, label),
    h("select", {id, name}, options.map(([v, t]) => h("option", {value: v, selected: v === selected}, t))));
}

let toastTimer;
/** A short message at the bottom of the screen. */
export function toast(text) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

/** A secret shown once, with a copy button. */
export function shownOnce(title, secret, note) {
  const copy = h("button", {type: "button"}, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = "Copied";
    } catch {
      window.getSelection().selectAllChildren(value);
      copy.textContent = "Selected: press Ctrl+C";
    }
  });
  const value = h("div.secret", {id: "secret"}, secret);
  return h("div.card.notice", {id: "shown-once"},
    h("strong", title),
    h("p.small", note || "This is shown once. Copy it now: it cannot be shown again."),
    value, h("div.row", copy));
}

/**
 * Runs action(formData) when form is submitted; an error it throws is shown in the error element
 * (hidden again on the next submit).
 */
export function onSubmit(form, error, action) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    try {
      await action(new FormData(form));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
}
