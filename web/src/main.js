// The application shell: login, the navigation, and the routes of every page.
import './style.css';
import { t } from './strings.js';
import { h, replace, field, notice, errorText, title } from './ui.js';
import { setUnauthorisedHandler } from './api.js';
import { route, start, navigate, dispatch, current, currentHref } from './router.js';
import { session, loadUser, login, logout } from './session.js';

import { dashboard } from './pages/dashboard.js';
import { caseList, casePage } from './pages/cases.js';
import { evidencePage } from './pages/evidence.js';
import { jitList, jitPage } from './pages/jits.js';
import { requestList, requestPage } from './pages/requests.js';
import { searchPage } from './pages/search.js';
import { actionDayList, actionDayPage } from './pages/actiondays.js';
import { linkView } from './pages/links.js';
import { statsPage } from './pages/stats.js';
import { ledgerPage } from './pages/ledger.js';
import { meetingList, meetingPage, interviewPage } from './pages/meetings.js';
import { adminPage, isAdmin } from './pages/admin.js';

const app = document.getElementById('app');
let main;
let loginReason = null;

const NAV = [
  ['/', 'nav.dashboard'], ['/cases', 'nav.cases'], ['/jits', 'nav.jits'],
  ['/requests', 'nav.requests'], ['/meetings', 'nav.meetings'], ['/actiondays', 'nav.actiondays'], ['/links', 'nav.links'],
  ['/search', 'nav.search'], ['/stats', 'nav.stats'], ['/ledger', 'nav.ledger'],
];

function shell() {
  const u = session.user;
  // Administration for an organisation's administrators only (the API refuses the others anyway).
  const nav = isAdmin() ? [...NAV, ['/admin', 'nav.admin']] : NAV;
  const navList = h('ul', { id: 'nav-list' }, nav.map(([p, k]) =>
    h('li', h('a', { href: '#' + p, dataset: { path: p } }, t(k)))));
  const toggle = h('button', { type: 'button', class: 'nav-toggle', 'aria-expanded': 'false',
    'aria-controls': 'nav-list', onclick: () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      navList.classList.toggle('open', open);
    } }, t('nav.menu'));
  main = h('main', { id: 'main', tabindex: '-1' });
  replace(app,
    h('a', { href: '#main', class: 'skip', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('app.skip')),
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, t('app.name')),
      h('nav', { 'aria-label': t('nav.label') }, toggle, navList),
      h('div', { class: 'user' },
        h('span', { class: 'who' }, t('user.signedin', { name: u.full_name || u.username, org: u.org, role: u.role })),
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
          await logout();
          loginReason = null;
          navigate('/login');
        } }, t('user.logout')))),
    main);
  navList.addEventListener('click', () => { toggle.setAttribute('aria-expanded', 'false'); navList.classList.remove('open'); });
}

function markNav(path) {
  for (const a of app.querySelectorAll('nav a[data-path]')) {
    const p = a.dataset.path;
    const on = p === '/' ? path === '/' : path === p || path.startsWith(p + '/') ||
      (p === '/meetings' && path.startsWith('/interviews/'));
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function loginPage() {
  document.title = t('login.title') + ' · ' + t('app.name');
  const user = field(t('login.username'), 'username', { required: true, autocomplete: 'username' });
  const pass = field(t('login.password'), 'password', { type: 'password', required: true, autocomplete: 'current-password' });
  const msg = h('div', { class: 'login-msg' }, loginReason && notice(loginReason, 'info'));
  const form = h('form', { class: 'login', onsubmit: async (e) => {
    e.preventDefault();
    replace(msg);
    try {
      await login(user.input.value, pass.input.value);
      const next = sessionStorage.getItem('custodia.next') || '/';
      sessionStorage.removeItem('custodia.next');
      shell();
      const to = next === '/login' ? '/' : next;
      if (current().path === to) dispatch(); else navigate(to);
    } catch (err) {
      replace(msg, notice(err.status === 401 ? t('login.failed') : errorText(err), 'error'));
      pass.input.value = '';
      pass.input.focus();
    }
  } },
    h('h1', t('login.title')), msg, user, pass,
    h('button', { type: 'submit' }, t('login.submit')));
  replace(app, h('main', { class: 'login-page', id: 'main' },
    h('p', { class: 'brand' }, t('app.name')), h('p', { class: 'tagline' }, t('app.tagline')), form));
  user.input.focus();
}

setUnauthorisedHandler(() => {
  if (current().path === '/login') return;
  loginReason = t('login.expired');
  session.user = null;
  sessionStorage.setItem('custodia.next', currentHref());
  navigate('/login');
});

route('/', (m) => dashboard(m));
route('/cases', (m, p, q) => caseList(m, p, q));
route('/cases/:id', (m, p, q) => casePage(m, p, q));
route('/evidence/:id', (m, p, q) => evidencePage(m, p, q));
route('/jits', (m, p, q) => jitList(m, p, q));
route('/jits/:id', (m, p, q) => jitPage(m, p, q));
route('/requests', (m, p, q) => requestList(m, p, q));
route('/requests/:id', (m, p, q) => requestPage(m, p, q));
route('/search', (m, p, q) => searchPage(m, p, q));
route('/actiondays', (m, p, q) => actionDayList(m, p, q));
route('/actiondays/:id', (m, p, q) => actionDayPage(m, p, q));
route('/links', (m, p, q) => linkView(m, p, q));
route('/stats', (m, p, q) => statsPage(m, p, q));
route('/ledger', (m, p, q) => ledgerPage(m, p, q));
route('/meetings', (m, p, q) => meetingList(m, p, q));
route('/meetings/:id', (m, p, q) => meetingPage(m, p, q));
route('/interviews/:id', (m, p, q) => interviewPage(m, p, q));
route('/admin', (m, p, q) => adminPage(m, p, q));

async function before(path) {
  if (path === '/login') {
    if (session.user) { navigate('/'); return false; }
    loginPage();
    return false;
  }
  if (!session.user) {
    sessionStorage.setItem('custodia.next', currentHref()); // the tab or filter too, not the path alone
    navigate('/login');
    return false;
  }
  if (!main || !app.contains(main)) shell();
  markNav(path);
  return true;
}

function notFound(m) { replace(m, title(t('page.notfound'))); }

(async () => {
  try {
    await loadUser();
  } catch (e) {
    replace(app, notice(errorText(e), 'error'));
    return;
  }
  if (session.user) shell();
  await start(() => main, notFound, before);
})();
