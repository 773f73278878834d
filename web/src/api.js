// The one way the pages talk to the server: JSON over /api/v1 with the
// session cookie the server set at login (HttpOnly: no script sees the
// token). Writes carry the CSRF header the server requires of them.

export class ApiError extends Error {
  // body: the whole answer (an import's 422 carries its per-row report there).
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let onUnauthorised = () => {};
export function setUnauthorisedHandler(fn) { onUnauthorised = fn; }

const CSRF = { 'X-Custodia-CSRF': '1' };

async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, CSRF);
  let payload;
  if (body !== undefined && !(body instanceof Blob) && typeof body !== 'string') {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  } else if (body !== undefined) {
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
    payload = body;
  }
  let res;
  try {
    res = await fetch(path.startsWith('/') ? path : '/api/v1/' + path,
      { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e.message);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : { code: 'http', message: res.statusText };
    if (res.status === 401 && !opts.noRedirect) onUnauthorised();
    throw new ApiError(res.status, err.code, err.message, data);
  }
  return data;
}

// path: "cases?status=open" (under /api/v1/) or an absolute "/log/checkpoint".
export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body === undefined ? {} : body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  // A raw body (a file) with its content type: post(path, blob, {contentType}).
  postRaw: (path, body, opts) => request('POST', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};

// A query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// Uploads with progress (fetch reports none): XMLHttpRequest, one PUT per
// chunk. onProgress(sentBytes) after each acknowledged part of a chunk.
export function putWithProgress(path, blob, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('PUT', path);
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.setRequestHeader('X-Custodia-CSRF', '1');
    x.responseType = 'text';
    x.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    x.onload = () => {
      let data = null;
      try { data = x.responseText ? JSON.parse(x.responseText) : null; } catch { data = null; }
      if (x.status >= 200 && x.status < 300) resolve(data);
      else {
        if (x.status === 401) onUnauthorised();
        const e = data && data.error ? data.error : { code: 'http', message: x.statusText };
        reject(new ApiError(x.status, e.code, e.message));
      }
    };
    x.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    x.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal) signal.addEventListener('abort', () => x.abort());
    x.send(blob);
  });
}
