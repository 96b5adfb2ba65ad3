// The "Security" part of the signed-in view: where the account is signed
// in (each session can be ended, or all but this one) and its recent
// security activity. It only renders; the caller does the API calls.

import { setTime } from "/assets/passkeys-list.js";

const what = {
  account_created: () => "Account created",
  passkey_added: (e) => `Passkey ${quoted(e.passkey_name)} added`,
  passkey_renamed: (e) => `Passkey renamed to ${quoted(e.passkey_name)}`,
  passkey_deleted: (e) => `Passkey ${quoted(e.passkey_name)} deleted`,
  signed_in: (e) => `Signed in with ${quoted(e.passkey_name)}`,
  sign_in_refused: () => "Sign-in refused",
  session_ended: () => "Session ended",
  reauthenticated: (e) => `Confirmed it was you with ${quoted(e.passkey_name)}`,
};

const quoted = (name) => (name ? `“${name}”` : "a passkey");

// renderSessions fills list with the account's sessions; end(session) ends
// one (for the current one: signs out).
export function renderSessions(list, sessions, end) {
  list.replaceChildren(...sessions.map((s, i) => sessionItem(s, i, end)));
}

function sessionItem(session, index, end) {
  const li = element("li", "session");
  li.dataset.id = session.id;
  if (session.current) li.dataset.current = "";
  const head = element("div", "session-head");
  const device = element("span", "session-device", session.user_agent || "Unknown device");
  device.id = `session-${index}-device`;
  head.append(device);
  if (session.current) head.append(element("span", "badge current", "This device"));
  const button = element("button", session.current ? "secondary end-session" : "danger end-session",
    session.current ? "Sign out this device" : "Sign out");
  button.type = "button";
  button.dataset.action = "";
  button.setAttribute("aria-describedby", device.id);
  button.addEventListener("click", () => end(session));
  head.append(button);

  const meta = element("p", "session-meta");
  const since = document.createElement("span");
  const seen = document.createElement("span");
  setTime(since, session.created_at, "unknown");
  setTime(seen, session.last_seen_at, "unknown");
  meta.append(
    `${session.ip || "Unknown network"} · signed in with ${quoted(session.passkey_name)} · since `,
    since,
    " · last active ",
    seen,
  );
  li.append(head, meta);
  return li;
}

// renderEvents shows events (newest first); more is appended when the
// person asks for older ones.
export function renderEvents(list, events, { append = false } = {}) {
  const items = events.map(eventItem);
  if (append) list.append(...items);
  else list.replaceChildren(...items);
}

function eventItem(e) {
  const li = element("li", "event");
  li.dataset.type = e.type;
  const head = element("div", "event-head");
  head.append(element("span", "event-what", (what[e.type] ?? (() => e.type))(e)));
  const when = document.createElement("span");
  setTime(when, e.at, "");
  const meta = element("p", "event-meta");
  const parts = [e.detail, e.user_agent, e.ip].filter(Boolean).join(" · ");
  meta.append(when, parts ? ` · ${parts}` : "");
  li.append(head, meta);
  return li;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
