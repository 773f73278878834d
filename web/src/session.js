// Who is logged in: {username, org, role, name}, loaded from /api/v1/me.
import { api } from './api.js';

export const session = { user: null };

export async function loadUser() {
  try {
    session.user = await api.get('me', { noRedirect: true });
  } catch (e) {
    if (e.status !== 401) throw e;
    session.user = null;
  }
  return session.user;
}

export async function login(username, password) {
  await api.post('session', { username, password, cookie: true }, { noRedirect: true });
  return loadUser();
}

export async function logout() {
  try { await api.del('session', { noRedirect: true }); } finally { session.user = null; }
}
