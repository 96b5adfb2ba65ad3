// The wire format between the page, the browser's WebAuthn API and the JSON
// API: base64url, options from JSON, credentials to JSON, and fetch with the
// API's error shape. Current browsers do the conversions themselves; the
// fallbacks keep older Firefox and Safari working.

export function base64urlToBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function bytesToBase64url(buffer) {
  const bytes = ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new Uint8Array(buffer);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const withBinaryID = (descriptor) => ({ ...descriptor, id: base64urlToBytes(descriptor.id) });

// creationOptions turns the server's publicKey JSON into what
// navigator.credentials.create takes.
export function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: base64urlToBytes(json.challenge),
    user: { ...json.user, id: base64urlToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map(withBinaryID),
  };
}

// requestOptions does the same for navigator.credentials.get.
export function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: base64urlToBytes(json.challenge),
    allowCredentials: (json.allowCredentials ?? []).map(withBinaryID),
  };
}

// credentialJSON serialises a new or asserted credential the way
// PublicKeyCredential.toJSON does, which is what the API expects.
export function credentialJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: bytesToBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = bytesToBase64url(r.attestationObject);
    if (typeof r.getTransports === "function") response.transports = r.getTransports();
    if (typeof r.getAuthenticatorData === "function") {
      response.authenticatorData = bytesToBase64url(r.getAuthenticatorData());
    }
    const publicKey = typeof r.getPublicKey === "function" ? r.getPublicKey() : null;
    if (publicKey) response.publicKey = bytesToBase64url(publicKey);
    if (typeof r.getPublicKeyAlgorithm === "function") {
      response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
    }
  } else {
    response.authenticatorData = bytesToBase64url(r.authenticatorData);
    response.signature = bytesToBase64url(r.signature);
    if (r.userHandle) response.userHandle = bytesToBase64url(r.userHandle);
  }
  const json = {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
  if (credential.authenticatorAttachment) {
    json.authenticatorAttachment = credential.authenticatorAttachment;
  }
  return json;
}

// ApiError is a non-2xx answer. message is the API's own "error" text, which
// the contract keeps free of internal detail, so the page may show it.
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.error || `the server answered ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body ?? {};
    this.retryAfter = retryAfter;
  }
}

// api calls the JSON API; it resolves with the decoded body (null for 204)
// and rejects with an ApiError, also when the server cannot be reached.
export async function api(method, path, { body, token, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, { error: "the server could not be reached" });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data, response.headers.get("Retry-After"));
  }
  return data;
}
