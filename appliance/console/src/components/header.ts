/**
 * The console header: product name, navigation, the signed-in user and "Sign out". It asks `GET /api/v1/auth/me`
 * itself; a 401 there means the session is gone, so the page goes to the login page.
 */
import { ApiError } from '../lib/api';
import { h, icon, logo } from '../lib/dom';
import { api, BASE, goToLogin, LIST } from '../lib/session';
import type { Session } from '../lib/types';

export interface HeaderOptions {
  /** Which navigation entry is current. */
  current: 'recordings' | 'replay' | 'audit' | 'policy';
}

/** Renders the header into `#app-header` and resolves with the session (never resolves when redirecting). */
export function mountHeader(options: HeaderOptions): Promise<Session> {
  const host = document.getElementById('app-header');
  const user = h('span', { class: 'header-user', 'aria-live': 'polite' });
  const signOut = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', disabled: true }, icon('logout'), 'Sign out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await api.logout();
    } catch {
      // Signing out must always leave the console, even if the session had already ended.
    }
    window.location.assign(`${BASE}login.html`);
  });

  const nav = h(
    'nav',
    { class: 'header-nav', 'aria-label': 'Main' },
    h(
      'a',
      { href: LIST, 'aria-current': options.current === 'recordings' ? 'page' : undefined, class: 'nav-section' },
      'Recordings',
    ),
    h(
      'a',
      { href: `${BASE}audit.html`, 'aria-current': options.current === 'audit' ? 'page' : undefined, class: 'nav-section' },
      'Audit log',
    ),
    h(
      'a',
      { href: `${BASE}policy.html`, 'aria-current': options.current === 'policy' ? 'page' : undefined, class: 'nav-section' },
      'Policy & consent',
    ),
  );
  const bar = h(
    'div',
    { class: 'header-inner' },
    h('a', { class: 'brand', href: LIST }, logo(), h('span', { class: 'brand-name' }, 'Witness')),
    nav,
    h('div', { class: 'header-spacer' }),
    user,
    signOut,
  );
  host?.replaceChildren(bar);

  return api.me().then(
    (session) => {
      user.replaceChildren(icon('user'), h('span', { class: 'header-username', title: 'Signed in as' }, session.username));
      signOut.disabled = false;
      return session;
    },
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) {
        goToLogin();
        return new Promise<Session>(() => undefined);
      }
      user.replaceChildren(h('span', { class: 'muted' }, 'Not connected'));
      signOut.disabled = false;
      throw e;
    },
  );
}
