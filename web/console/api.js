// Talks to the public API (under /api) and the session endpoints with the session cookie.
// Every state-changing request carries the session's CSRF token; every failure becomes an
// ApiError whose message a person can read (the envelope's message, and the field if any).

let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = body && body.error;
    const message = error && error.message ? error.message : `the server answered ${status}`;
    super(message);
    this.status = status;
    this.code = error ? error.code : 'error';
    this.details = (error && error.details) || {};
    this.field = this.details.field || null;
    this.body = body;
  }

  /** The error in words, naming the field when the server said which one. */
  describe() {
    const field = this.field ? ` (field: ${this.field})` : '';
    return `${this.message}${field}`;
  }
}

/** Describes any failure, ours or the network's. */
export function describe(err) {
  if (err instanceof ApiError) return err.describe();
  return `Could not reach the server: ${err && err.message ? err.message : err}`;
}

async function send(method, url, { json, form } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    // The session ended (expired, revoked, signed out elsewhere): the app goes back to sign-in.
    if (res.status === 401 && url !== '/session') window.dispatchEvent(new CustomEvent('session-ended', { detail: err }));
    throw err;
  }
  return data;
}

/** A call to the public API: `api('GET', '/campaigns?page=1')`. */
export function api(method, path, options) {
  return send(method, `/api${path}`, options);
}

/** The session endpoints: `session('GET')`, `session('POST', { json })`, `session('DELETE')`. */
export function session(method, options) {
  return send(method, '/session', options);
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
