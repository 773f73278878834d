// Hash routes ("#/cases/12?tab=evidence"): the server serves one page and
// never sees the application's paths. A page is
//   render(main, params, query) -> optional cleanup()
// and the cleanup runs before the next page (closing live streams).

const routes = [];
let cleanup = null;
let ctx = { getMain: null, notFound: null, before: null };

export function route(pattern, render) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; }) + '$');
  routes.push({ re, names, render });
}

export function current() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q] = raw.split('?');
  return { path, query: new URLSearchParams(q || '') };
}

// Where the user is, query included: what a login brings them back to.
export function currentHref() { return location.hash.replace(/^#/, '') || '/'; }

export function navigate(path, replaceState = false) {
  if (replaceState) history.replaceState(null, '', '#' + path);
  else location.hash = '#' + path;
  if (replaceState) dispatch();
}

export async function dispatch() {
  const { path, query } = current();
  if (cleanup) { try { cleanup(); } catch { /* the old page is gone anyway */ } cleanup = null; }
  if (ctx.before && (await ctx.before(path)) === false) return;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    const main = ctx.getMain();
    main.replaceChildren();
    const c = await r.render(main, params, query);
    if (typeof c === 'function') cleanup = c;
    const h1 = main.querySelector('h1');
    if (h1 && ctx.focus) h1.focus({ preventScroll: true });
    return;
  }
  ctx.notFound(ctx.getMain(), path);
}

// getMain() gives the element pages render into (the shell may rebuild it).
export function start(getMain, notFound, before) {
  ctx = { getMain, notFound, before, focus: false };
  window.addEventListener('hashchange', () => { ctx.focus = true; dispatch(); });
  return dispatch();
}
