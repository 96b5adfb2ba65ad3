// What the page says when something goes wrong: the browser's WebAuthn
// errors by name, the API's errors with the API's own text (which the
// contract keeps free of internal detail).

const doing = {
  register: "Creating the passkey",
  "sign-in": "Signing in",
  add: "Adding the passkey",
  rename: "Renaming the passkey",
  delete: "Deleting the passkey",
  "sign-out": "Signing out",
  load: "Loading your passkeys",
  "end-session": "Signing that device out",
  "revoke-others": "Signing out your other sessions",
  "more-events": "Loading older activity",
};

// sentence drops a trailing full stop, so a message can be embedded.
const sentence = (text) => String(text).replace(/[.\s]+$/, "");

export function explain(err, action) {
  const creating = action === "register" || action === "add";
  switch (err?.name) {
    case "ApiError":
      return apiMessage(err, action);
    case "NotAllowedError":
      return creating
        ? "No passkey was created: the request was cancelled, timed out, or your device did not allow it."
        : "Sign-in did not complete: it was cancelled or timed out, this device has no passkey for that account, or it could not verify you.";
    case "InvalidStateError":
      return "This device already has a passkey for this account. Sign in with it, or use another device or security key.";
    case "AbortError":
      return "The request was cancelled.";
    case "SecurityError":
      return "Passkeys are not allowed on this address. Open the page at the address the server is configured for.";
    case "NotSupportedError":
      return "This browser or device cannot create the kind of passkey this site asks for.";
    case "ConstraintError":
      return "Your device cannot verify you: set up a screen lock, PIN or biometrics and try again.";
    case "RemovedPasskey":
    case "SignInAfterRegister":
    case "StepUpCancelled":
      return err.message;
    default:
      return `${doing[action] ?? "That"} failed: ${sentence(err?.message || "unknown error")}.`;
  }
}

function apiMessage(err, action) {
  const server = sentence(err.message);
  const what = doing[action] ?? "That";
  if (err.status === 0) return `${what} failed: ${server}. Check your connection and try again.`;
  if (err.status === 429) {
    const wait = err.retryAfter ? `${err.retryAfter} seconds` : "a minute";
    return `Too many attempts (${server}). Wait ${wait} and try again.`;
  }
  if (action === "register" && err.status === 409) {
    return `That username is taken (${server}). Choose another one, or sign in if the account is yours.`;
  }
  if (action === "add" && err.status === 409) {
    return `${what} failed: ${server}. If your session has ended, sign out and sign in again.`;
  }
  if (action === "sign-in" && err.status === 401) return `Sign-in failed: ${server}. Try again, or use another passkey.`;
  if (action === "delete" && err.status === 409) return `Not deleted: ${server}. Add another passkey first.`;
  return `${what} failed: ${server}.`;
}
