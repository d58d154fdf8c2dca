// DNS settings: MagicDNS, its suffix, nameservers, split DNS routes, search domains, extra records.

import * as api from "./api.js";
import {field, fill, h, toast} from "./dom.js";

export const title = "DNS";

const lines = (s) => s.split("\n").map((l) => l.trim()).filter(Boolean);

export async function render(main) {
  const editable = api.atLeast("network-admin");
  let d = await api.get("/api/v1/dns");
  const error = h("div.error", {hidden: true});
  const form = h("form.card", {id: "dns"});
  const draw = () => fill(form,
    field("MagicDNS: devices answer their peers' names", {name: "magicDns", type: "checkbox", checked: d.magicDns}),
    field(`MagicDNS suffix (empty for the default)`, {name: "suffix", value: d.suffixIsDefault ? "" : d.suffix, placeholder: d.suffix}),
    field("Nameservers (one per line; empty keeps each device's own)", {tag: "textarea", name: "nameservers", rows: 3,
      value: d.nameservers.join("\n")}),
    field("Split DNS (one per line: domain = resolver, resolver)", {tag: "textarea", name: "routes", rows: 3,
      value: Object.entries(d.routes || {}).map(([k, v]) => `${k} = ${v.join(", ")}`).join("\n")}),
    field("Search domains (one per line)", {tag: "textarea", name: "searchDomains", rows: 2, value: d.searchDomains.join("\n")}),
    field("Extra records (one per line: name type value, e.g. grafana.internal A 100.64.0.7)", {tag: "textarea", name: "extraRecords", rows: 3,
      value: d.extraRecords.map((r) => `${r.name} ${r.type} ${r.value}`).join("\n")}),
    error,
    h("p.small.muted", `Version ${d.version}. Devices use ${d.suffix}.`),
    editable ? h("div.row", h("button", {type: "submit"}, "Save DNS settings")) : h("p.muted", "Your role may read these settings, not change them."));
  draw();
  fill(main, h("h1", "DNS"), form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const f = form.elements;
    const routes = {};
    for (const l of lines(f.routes.value)) {
      const [domain, servers] = l.split("=");
      routes[domain.trim()] = (servers || "").split(/[\s,]+/).filter(Boolean);
    }
    const body = {
      magicDns: f.magicDns.checked,
      suffix: f.suffix.value.trim(),
      nameservers: lines(f.nameservers.value),
      routes,
      searchDomains: lines(f.searchDomains.value),
      extraRecords: lines(f.extraRecords.value).map((l) => {
        const [name, type, value] = l.split(/\s+/);
        return {name, type: (type || "").toUpperCase(), value};
      }),
    };
    try {
      await api.call("POST", "/api/v1/dns", body, undefined, {"If-Match": String(d.version)});
      d = await api.get("/api/v1/dns");
      draw();
      toast("DNS settings saved.");
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
  return null;
}
