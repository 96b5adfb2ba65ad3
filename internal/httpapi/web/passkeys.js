// The passkey page: create an account, sign in (with a username, with the
// browser's passkey picker, or through passkey autofill), list, rename and
// delete passkeys, sign out. It talks to the JSON API only (contract §7, §8). The
// session token lives in sessionStorage, so it ends with the tab.

import { api, ApiError, creationOptions, credentialJSON, requestOptions } from "/assets/passkeys-wire.js";
import { focusItemControl, renderPasskeys } from "/assets/passkeys-list.js";
import { explain } from "/assets/passkeys-messages.js";
import { renderEvents, renderSessions } from "/assets/passkeys-security.js";
import { signalAccepted, signalUnknown, signalUserDetails } from "/assets/passkeys-signals.js";

const $ = (id) => document.getElementById(id);
const SESSION_KEY = "movieapi.session";

// ---- session -------------------------------------------------------------

function currentSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (session?.token && Date.parse(session.expires_at) > Date.now()) return session;
  } catch {
    // An unreadable entry is no session.
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

const saveSession = (session) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
const clearSession = () => sessionStorage.removeItem(SESSION_KEY);

// ---- status and busy state -----------------------------------------------

function say(text, kind = "info") {
  const status = $("status");
  status.textContent = text;
  status.dataset.kind = kind;
}

const unsupportedReason = !window.isSecureContext
  ? "Passkeys need a secure page: open this page over HTTPS (or on localhost while developing)."
  : !window.PublicKeyCredential || !navigator.credentials?.create
    ? "This browser does not support passkeys. Use a current version of Chrome, Edge, Firefox or Safari."
    : "";

let busy = 0;

function refreshButtons() {
  for (const button of document.querySelectorAll("[data-action]")) {
    button.disabled = busy > 0 || (unsupportedReason !== "" && button.hasAttribute("data-webauthn"));
  }
}

// act runs one user action at a time with the buttons disabled, and turns
// whatever goes wrong into a message. Disabling the focused button drops
// focus; it comes back unless the action moved it elsewhere on purpose.
async function act(action, task) {
  if (busy > 0) return;
  const focused = document.activeElement;
  busy++;
  refreshButtons();
  try {
    await task();
  } catch (err) {
    if (!sessionEnded(err)) say(explain(err, action), "error");
  } finally {
    busy--;
    refreshButtons();
    if (document.activeElement === document.body && focused?.isConnected && !focused.closest("[hidden]")) {
      focused.focus();
    }
    if (!currentSession()) startAutofill();
  }
}

// sessionEnded handles a 401 on a signed-in call: the token expired, was
// revoked, or its passkey was deleted elsewhere.
function sessionEnded(err) {
  if (!(err instanceof ApiError) || err.status !== 401 || !currentSession()) return false;
  clearSession();
  showSignedOut("Your session has ended. Sign in again.", "error");
  return true;
}

// ---- views ---------------------------------------------------------------

function showSignedOut(message, kind = "info") {
  $("signed-in").hidden = true;
  $("signed-out").hidden = false;
  $("passkey-list").replaceChildren();
  $("session-list").replaceChildren();
  $("event-list").replaceChildren();
  accepted = null;
  if (message) say(message, kind);
}

async function showSignedIn(session, message) {
  $("signed-out").hidden = true;
  $("signed-in").hidden = false;
  $("account-name").textContent = session.username;
  await refreshPasskeys(session);
  if (message) say(message, "success");
  $("account-title").focus();
}

// accepted is what the account accepted when the list was last loaded:
// deleting the passkey this session came from ends the session, and the
// browser is still told what is left.
let accepted = null;

async function refreshPasskeys(session) {
  const { credentials, user_handle: userHandle } = await api("GET", "/webauthn/credentials", { token: session.token });
  renderPasskeys($("passkey-list"), credentials, session.credential_id, {
    rename: (credential, name) => act("rename", () => renamePasskey(credential, name)),
    remove: (credential) => act("delete", () => deletePasskey(credential)),
  });
  accepted = { rpId: rpIdOf(session), userHandle, ids: credentials.map((c) => c.id) };
  signalAccepted(accepted.rpId, accepted.userHandle, accepted.ids);
  await refreshSecurity(session);
}

// The RP ID the sign-in ran under (kept with the session), else this host.
const rpIdOf = (session) => session.rp_id || location.hostname;

// ---- security: sessions and activity -------------------------------------

let olderEvents = null; // the before= of the next page of activity, if any

async function refreshSecurity(session) {
  const [{ sessions }, page] = await Promise.all([
    api("GET", "/webauthn/sessions", { token: session.token }),
    api("GET", "/webauthn/events?limit=20", { token: session.token }),
  ]);
  renderSessions($("session-list"), sessions, (s) => act("end-session", () => endSession(s)));
  $("revoke-others-button").hidden = sessions.length < 2;
  renderEvents($("event-list"), page.events);
  showMore(page.next_before);
}

function showMore(nextBefore) {
  olderEvents = nextBefore;
  $("more-events-button").hidden = nextBefore == null;
}

async function moreEvents() {
  const session = currentSession();
  const page = await api("GET", `/webauthn/events?limit=20&before=${olderEvents}`, { token: session?.token });
  const first = $("event-list").children.length;
  renderEvents($("event-list"), page.events, { append: true });
  showMore(page.next_before);
  // Keyboard users continue where the new entries start.
  const next = $("event-list").children[first];
  if (next) {
    next.tabIndex = -1;
    next.focus();
  } else {
    $("activity-title").focus();
  }
}

async function endSession(target) {
  const session = currentSession();
  if (target.current) return signOut();
  await api("DELETE", `/webauthn/sessions/${encodeURIComponent(target.id)}`, { token: session?.token });
  await refreshSecurity(session);
  $("sessions-title").focus();
  say(`Signed out ${target.user_agent || "that device"}.`, "success");
}

async function revokeOthers() {
  const session = currentSession();
  const { ended } = await api("POST", "/webauthn/sessions/revoke-others", { token: session?.token });
  await refreshSecurity(session);
  $("sessions-title").focus();
  say(ended === 1 ? "Signed out 1 other session." : `Signed out ${ended} other sessions.`, "success");
}

// ---- passkey autofill (conditional mediation) ----------------------------

const autofillAvailable =
  unsupportedReason === "" && typeof PublicKeyCredential.isConditionalMediationAvailable === "function"
    ? PublicKeyCredential.isConditionalMediationAvailable().catch(() => false)
    : Promise.resolve(false);

// autofill is the pending conditional request, if any. A browser runs one
// WebAuthn request at a time, so every modal ceremony stops it first.
let autofill = null;

function startAutofill() {
  if (autofill || currentSession()) return;
  const controller = new AbortController();
  const input = $("signin-username");
  const request = { controller, answered: false };
  request.done = (async () => {
    try {
      if (!(await autofillAvailable)) return;
      const { options } = await api("POST", "/webauthn/auth/start", {
        body: { mediation: "conditional" },
        signal: controller.signal,
      });
      input.dataset.autofill = "pending";
      const credential = await navigator.credentials.get({
        mediation: "conditional",
        publicKey: requestOptions(options.publicKey),
        signal: controller.signal,
      });
      // The person picked a passkey: finish even if they click a button
      // meanwhile (that click waits for this).
      request.answered = true;
      delete input.dataset.autofill;
      busy++;
      refreshButtons();
      try {
        await finishSignIn(credential, options.publicKey, "", " with passkey autofill");
      } catch (err) {
        say(explain(err, "sign-in"), "error");
      } finally {
        busy--;
        refreshButtons();
      }
    } catch {
      // Aborted, or the browser declined to offer autofill (it rejects
      // conditional requests only without the person's involvement): the
      // buttons still work, so there is nothing to say.
    } finally {
      delete input.dataset.autofill;
      if (autofill === request) autofill = null;
    }
  })();
  autofill = request;
}

async function stopAutofill() {
  const request = autofill;
  if (!request) return;
  if (!request.answered) request.controller.abort();
  await request.done;
}

// ---- ceremonies ----------------------------------------------------------

async function register(username, name) {
  await stopAutofill();
  if (currentSession()) return; // autofill finished a sign-in meanwhile
  say("Creating your passkey… follow your browser’s prompt.");
  const { challenge } = await api("POST", "/webauthn/register/start", {
    body: { username, display_name: username },
  });
  const credential = await navigator.credentials.create({ publicKey: creationOptions(challenge.publicKey) });
  await api("POST", "/webauthn/register/finish", {
    body: { username, credential: credentialJSON(credential), ...(name && { name }) },
  });
  // Registering does not sign in (the API answers no session), so the new
  // passkey is used once more right away.
  say("Passkey created. Confirm once more to sign in with it…");
  try {
    await signIn(username);
    $("register-form").reset();
    say(`Your passkey was created and you are signed in as ${username}.`, "success");
  } catch (err) {
    $("signin-username").value = username;
    throw Object.assign(new Error(`Your passkey was created, but signing in failed. ${explain(err, "sign-in")}`), {
      name: "SignInAfterRegister",
    });
  }
}

async function signIn(username) {
  await stopAutofill();
  if (currentSession()) return; // autofill finished a sign-in meanwhile
  say(username ? `Signing in as ${username}… follow your browser’s prompt.` : "Choose a passkey in your browser’s prompt…");
  const { options } = await api("POST", "/webauthn/auth/start", { body: username ? { username } : {} });
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
  await finishSignIn(credential, options.publicKey, username, "");
}

async function finishSignIn(credential, publicKeyJSON, username, how) {
  let result;
  try {
    result = await api("POST", "/webauthn/auth/finish", {
      body: { ...(username && { username }), credential: credentialJSON(credential) },
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.body.unknown_credential) {
      throw await forgetRemovedPasskey(publicKeyJSON.rpId || location.hostname, credential.id);
    }
    throw err;
  }
  const session = {
    token: result.session_token,
    expires_at: result.expires_at,
    username: result.username,
    credential_id: credential.id,
    rp_id: publicKeyJSON.rpId || location.hostname,
  };
  saveSession(session);
  signalUserDetails(session.rp_id, result.user_handle, result.username, result.username);
  await showSignedIn(session, `Signed in as ${result.username}${how}.`);
}

// forgetRemovedPasskey tells the browser that the server no longer knows a
// passkey, so it stops offering it, and returns the error to show.
async function forgetRemovedPasskey(rpId, credentialId) {
  // The browser may lack the signal or refuse it; the message still holds.
  const forgotten = await signalUnknown(rpId, credentialId);
  const advice = forgotten
    ? "Your browser was asked to forget it."
    : "You can remove it in your device’s passkey settings.";
  return Object.assign(new Error(`This passkey was removed from your account and can no longer sign you in. ${advice}`), {
    name: "RemovedPasskey",
  });
}

// ---- step-up -------------------------------------------------------------

// withStepUp runs a change of the account's passkeys. The server allows one
// only within a few minutes of a user-verified passkey assertion on this
// session (its sign-in, or a re-authentication); when that is too long ago
// it answers 403 "reauthentication required", and the page asks for the
// passkey once more (one extra prompt), then retries the change once.
async function withStepUp(session, change) {
  try {
    return await change();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 403 && err.body.error === "reauthentication required")) throw err;
  }
  say("For your security, confirm it’s you with one of your passkeys first…");
  const { options } = await api("POST", "/webauthn/reauth/start", { body: {}, token: session.token });
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
  } catch {
    throw Object.assign(
      new Error(
        "Nothing was changed: confirming it’s you was cancelled or timed out, or this device has no passkey for your account.",
      ),
      { name: "StepUpCancelled" },
    );
  }
  await api("POST", "/webauthn/reauth/finish", { body: { credential: credentialJSON(credential) }, token: session.token });
  return change();
}

async function addPasskey(name) {
  const session = currentSession();
  if (!session) throw new ApiError(401, { error: "not signed in" });
  const { challenge } = await withStepUp(session, () => {
    say("Adding a passkey… follow your browser’s prompt.");
    return api("POST", "/webauthn/register/start", {
      body: { username: session.username, display_name: session.username },
      token: session.token,
    });
  });
  say("Adding a passkey… follow your browser’s prompt.");
  const credential = await navigator.credentials.create({ publicKey: creationOptions(challenge.publicKey) });
  await api("POST", "/webauthn/register/finish", {
    body: { username: session.username, credential: credentialJSON(credential), ...(name && { name }) },
  });
  $("add-name").value = "";
  await refreshPasskeys(session);
  say(name ? `Passkey “${name}” added.` : "Passkey added.", "success");
}

async function renamePasskey(credential, name) {
  const session = currentSession();
  const updated = await api("PATCH", `/webauthn/credentials/${encodeURIComponent(credential.id)}`, {
    body: { name },
    token: session?.token,
  });
  await refreshPasskeys(session);
  focusItemControl($("passkey-list"), credential.id, ".rename");
  say(`Renamed to “${updated.name}”.`, "success");
}

async function deletePasskey(credential) {
  const session = currentSession();
  try {
    await withStepUp(session, () =>
      api("DELETE", `/webauthn/credentials/${encodeURIComponent(credential.id)}`, { token: session?.token }),
    );
  } catch (err) {
    // Refused: the list shows what the server holds now.
    if (!(err instanceof ApiError && err.status === 401)) await refreshPasskeys(session).catch(() => {});
    $("passkeys-title").focus();
    throw err;
  }
  if (credential.id === session?.credential_id) {
    // The server ends the sessions a deleted passkey created; the browser
    // still learns which passkeys the account keeps.
    if (accepted) signalAccepted(accepted.rpId, accepted.userHandle, accepted.ids.filter((id) => id !== credential.id));
    clearSession();
    showSignedOut(`Passkey “${credential.name}” deleted. You had signed in with it, so you are signed out.`, "success");
    $("signin-username").focus();
    return;
  }
  await refreshPasskeys(session);
  $("passkeys-title").focus();
  say(`Passkey “${credential.name}” deleted.`, "success");
}

async function signOut() {
  const session = currentSession();
  try {
    await api("POST", "/webauthn/logout", { token: session?.token });
  } catch (err) {
    // An already ended session is signed out all the same.
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
  }
  clearSession();
  showSignedOut("You are signed out.", "success");
  $("signin-username").focus();
}

// ---- wiring --------------------------------------------------------------

$("register-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const username = $("register-username").value.trim();
  const name = $("register-name").value.trim();
  act("register", () => register(username, name));
});

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const username = $("signin-username").value.trim();
  act("sign-in", () => signIn(username));
});

$("passkey-button").addEventListener("click", () => act("sign-in", () => signIn("")));
$("add-form").addEventListener("submit", (event) => {
  event.preventDefault();
  act("add", () => addPasskey($("add-name").value.trim()));
});
$("signout-button").addEventListener("click", () => act("sign-out", signOut));
$("revoke-others-button").addEventListener("click", () => act("revoke-others", revokeOthers));
$("more-events-button").addEventListener("click", () => act("more-events", moreEvents));

if (unsupportedReason) {
  $("unsupported").textContent = unsupportedReason;
  $("unsupported").hidden = false;
}
refreshButtons();

const session = currentSession();
if (session) {
  act("load", () => showSignedIn(session, ""));
} else {
  showSignedOut("");
  startAutofill();
}
