// The console's only way to the platform: same-origin fetch with the session cookie, the CSRF
// header on state-changing requests, problem+json errors turned into ApiError, and the session
// deadline kept from the X-Session-Expires-In header of every authenticated answer.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

const state = { csrf: null, deadline: null };
const listeners = new Set();

/** Calls fn(deadlineMillis|null) whenever the session deadline changes. */
export function onDeadline(fn) {
  listeners.add(fn);
  fn(state.deadline);
  return () => listeners.delete(fn);
}

function setDeadline(seconds) {
  state.deadline = seconds == null ? null : Date.now() + seconds * 1000;
  listeners.forEach((fn) => fn(state.deadline));
}

/** The session's CSRF token, for the few requests made without request() (binary answers). */
export function csrfToken() {
  return state.csrf;
}

export function setSession(session) {
  state.csrf = session ? session.csrfToken : null;
  setDeadline(session ? session.expiresInSeconds : null);
}

let unauthenticated = () => {};
/** What to do when the platform answers 401 (the session ended). */
export function onUnauthenticated(fn) {
  unauthenticated = fn;
}

export async function request(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  const expires = response.headers.get('X-Session-Expires-In');
  if (expires !== null) setDeadline(Number(expires));
  if (response.status === 401 && !options.quiet401) {
    unauthenticated();
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) {
      // not problem+json: keep the status text
    }
    throw new ApiError(response.status, detail);
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** Builds a query string from the non-empty entries of an object. */
export function query(params) {
  const search = new URLSearchParams();
  Object.entries(params).forEach(([key, value]) => {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  });
  const text = search.toString();
  return text ? `?${text}` : '';
}
