// The WebAuthn Signal API (Level 3 §5.1.10): telling the browser's passkey
// provider which passkeys the account still accepts and what the account is
// called, so it can hide removed passkeys and show current names. Each call
// is feature-detected and its failure ignored: a browser without the API,
// or one that declines, behaves exactly as before.

async function quietly(name, argument) {
  const signal = PublicKeyCredential?.[name];
  if (typeof signal !== "function") return false;
  try {
    await signal.call(PublicKeyCredential, argument);
    return true;
  } catch {
    return false;
  }
}

// signalAccepted lists every passkey the account accepts; the provider may
// hide its others for this account.
export function signalAccepted(rpId, userId, credentialIds) {
  return quietly("signalAllAcceptedCredentials", { rpId, userId, allAcceptedCredentialIds: credentialIds });
}

// signalUserDetails gives the account's current name.
export function signalUserDetails(rpId, userId, name, displayName) {
  return quietly("signalCurrentUserDetails", { rpId, userId, name, displayName });
}

// signalUnknown says the server does not know a passkey at all.
export function signalUnknown(rpId, credentialId) {
  return quietly("signalUnknownCredential", { rpId, credentialId });
}
