// Every string the web application shows, in one place so that it can be
// translated: t('key', {name: value}) looks a key up and fills {name}
// placeholders. A missing key shows as the key itself (and tests catch it).
// Keep keys grouped by page; add a language as another object of the same
// keys and select it in `lang`.

const en = {
  // --- shell: layout, login, navigation, common words ---
  'app.name': 'custodia',
  'app.tagline': 'Cross-border criminal justice cooperation',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',
  'nav.label': 'Main',
  'nav.dashboard': 'Dashboard',
  'nav.cases': 'Cases',
  'nav.jits': 'JITs',
  'nav.requests': 'Requests',
  'nav.actiondays': 'Action days',
  'nav.links': 'Link view',
  'nav.search': 'Search',
  'nav.stats': 'Statistics',
  'nav.ledger': 'Ledger',
  'nav.menu': 'Menu',
  'user.signedin': 'Signed in as {name} ({org}, {role})',
  'user.logout': 'Log out',
  'login.title': 'Log in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong username or password.',
  'login.expired': 'Your session has ended. Please log in again.',
  'error.generic': 'Something went wrong: {message}',
  'error.network': 'The server cannot be reached.',
  'error.notfound': 'Not found, or not visible to you.',
  'error.denied': 'You may not do this.',
  'page.notfound': 'There is no such page.',
  'common.none': 'None.',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.loading': 'Loading…',
  'common.more': 'More',
  'common.download': 'Download',
  'common.filter': 'Filter',
  'common.all': 'All',
  'common.saved': 'Saved.',

  // --- records: dashboard, cases, evidence, JITs, requests, search ---

  // --- views: action days, link view, statistics, ledger ---
};

const langs = { en };
let lang = 'en';

export function t(key, vars) {
  let s = langs[lang][key];
  if (s === undefined) {
    // Shown as the key, and listed where the browser tests look for it.
    (globalThis.__custodiaMissingStrings ||= []).push(key);
    s = key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function hasString(key) {
  return key in langs[lang];
}
