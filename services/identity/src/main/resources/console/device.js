// Adding a device: the page `trellis up` prints (/login/device/CODE). The signed-in user sees
// what asks to join and approves it.

import * as api from "./api.js";
import {fill, h} from "./dom.js";

export const title = "Add a device";

export async function render(main, [code]) {
  const me = api.session();
  const out = h("div", {id: "device-result", role: "status"});
  const approve = h("button", {type: "button", id: "approve-device"}, "Add this device to " + me.tailnet);
  let info = null;
  try {
    info = await api.get("/api/v1/device-logins/" + encodeURIComponent(code));
  } catch (e) {
    fill(main, h("div.card.narrow", h("h1", "Add a device"), h("div.error", e.message)));
    return null;
  }
  fill(main, h("div.card.narrow", {id: "device-page"},
    h("h1", "Add a device"),
    h("p", "A device asked to join your tailnet ", h("strong", me.tailnet), " as ", h("strong", me.email), "."),
    h("dl.facts", {id: "device-facts"},
      h("dt", "Name"), h("dd", info.hostname || "not given"),
      h("dt", "Operating system"), h("dd", info.os || "not given"),
      h("dt", "Node key"), h("dd", h("code", (info.nodeKey || "").slice(0, 24) + "…"))),
    h("p.small.muted", "The name and system are what the device says about itself."),
    h("p.small.muted", "Only approve a device you just started `trellis up` on."),
    info.approved ? h("p.notice", "This device was already approved.") : h("div.row", approve),
    out));
  approve.addEventListener("click", async () => {
    approve.disabled = true;
    try {
      await api.post("/api/v1/device-logins/" + encodeURIComponent(code), {});
      fill(out, h("p.notice", "The device was added. It connects in a moment; you can close this page."),
        h("p", h("a", {href: "#/machines"}, "See your machines")));
      approve.hidden = true;
    } catch (e) {
      fill(out, h("div.error", e.message));
      approve.disabled = false;
    }
  });
  return null;
}
