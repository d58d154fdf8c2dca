// The console's one way to the admin API: same-origin fetches with the session cookie, the CSRF
// header on every state change, and errors as ApiError with the server's code and message.

let csrf = "";
let me = null;

/** An error answered by the API. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `The server answered ${status}.`);
    this.status = status;
    this.code = e.code || "HTTP_" + status;
    this.body = body || {};
  }
}

/** Who is signed in, or null. */
export function session() {
  return me;
}

function remember(s) {
  me = s;
  csrf = (s && s.csrf) || "";
}

/** Asks the server for the current session (the cookie's); null when signed out. */
export async function loadSession() {
  try {
    remember(await call("GET", "/api/v1/session"));
  } catch (e) {
    if (e.status === 401 || e.status === 400) {
      remember(null);
    } else {
      throw e;
    }
  }
  return me;
}

/** Signs in with a password; the session stays in an HttpOnly cookie. */
export async function signIn(tailnet, email, password) {
  remember(await call("POST", "/api/v1/session", {tailnet, email, password}));
  return me;
}

/** Signs out everywhere this session is used. */
export async function signOut() {
  try {
    await call("POST", "/api/v1/logout");
  } finally {
    remember(null);
  }
}

/** A GET returning JSON. */
export function get(path) {
  return call("GET", path);
}

/** A POST of JSON (or of text with a content type) returning JSON or null. */
export function post(path, body, contentType) {
  return call("POST", path, body, contentType);
}

/** Any call. */
export async function call(method, path, body, contentType, extraHeaders) {
  const headers = {"Accept": "application/json", ...(extraHeaders || {})};
  if (method !== "GET" && method !== "HEAD") headers["X-Trellis-CSRF"] = csrf;
  let payload;
  if (body !== undefined) {
    if (typeof body === "string") {
      payload = body;
      headers["Content-Type"] = contentType || "text/plain";
    } else {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
  }
  const r = await fetch(path, {method, headers, body: payload, credentials: "same-origin"});
  const text = await r.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = {text};
    }
  }
  if (!r.ok) {
    const err = new ApiError(r.status, json);
    if (r.status === 401 && me && path !== "/api/v1/logout") {
      remember(null);
      window.dispatchEvent(new CustomEvent("trellis:signed-out", {detail: err.message}));
    }
    throw err;
  }
  if (json) json.etag = r.headers.get("ETag");
  return json;
}

/** Reads an NDJSON answer (the audit history) into an array. */
export async function lines(path) {
  const r = await fetch(path, {headers: {"Accept": "application/x-ndjson"}, credentials: "same-origin"});
  const text = await r.text();
  if (!r.ok) {
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    throw new ApiError(r.status, json);
  }
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)).filter((e) => !e.error);
}

/**
 * Follows the tailnet's events live (server-sent events over the audit's follow), from now;
 * calls onEvent with each; onState(true|false) as the stream opens or drops (the browser
 * reconnects by itself). Returns a function that stops.
 */
export function follow(query, onEvent, onState) {
  let since = new Date(Date.now() - 1000).toISOString();
  const seen = new Set();
  let source;
  let stopped = false;
  let delay = 1000;
  const open = () => {
    if (stopped) return;
    const params = new URLSearchParams({...query, follow: "true", since});
    source = new EventSource("/api/v1/audit?" + params);
    source.onopen = () => {
      delay = 1000;
      onState && onState(true);
    };
    source.onerror = () => {
      onState && onState(false);
      if (source.readyState === EventSource.CLOSED && !stopped) {
        // refused (e.g. the session ended): try again later, less and less often
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 60000);
      }
    };
    source.onmessage = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      if (seen.has(e.eventId)) return;
      seen.add(e.eventId);
      since = e.time;
      onEvent(e);
    };
  };
  open();
  return () => {
    stopped = true;
    source.close();
  };
}

/** The role ranks, as the API orders them. */
export const ROLES = ["owner", "admin", "network-admin", "auditor", "member"];

/** Whether the signed-in user's role is at least {@code role}. */
export function atLeast(role) {
  return me && ROLES.indexOf(me.role) >= 0 && ROLES.indexOf(me.role) <= ROLES.indexOf(role);
}

/** User ids to emails and node ids to machine names, for showing who did something. */
export async function userNames() {
  const [users, nodes] = await Promise.all([
    get("/api/v1/users").catch(() => ({users: []})),
    get("/api/v1/nodes").catch(() => ({nodes: []})),
  ]);
  return new Map([
    ...nodes.nodes.map((n) => [n.id, "machine " + n.name]),
    ...users.users.map((u) => [u.id, u.email]),
  ]);
}

/** Who an event's actor is, in words. */
export function actorName(actor, names) {
  return names.get(actor.id) || names.get(actor.display) || actor.display || actor.id || actor.kind.toLowerCase();
}
