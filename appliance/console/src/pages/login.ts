/** Sign-in page: `POST /api/v1/auth/login`, then back to `?next=` (a console path) or the recordings list. */
import '../styles/console.css';
import { h, logo } from '../lib/dom';
import { ApiError } from '../lib/api';
import { safeNext } from '../lib/query';
import { api, BASE } from '../lib/session';

const next = safeNext(new URLSearchParams(window.location.search).get('next'), BASE);
const app = document.getElementById('app')!;

const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');

const form = h(
  'form',
  { class: 'login-form', novalidate: true },
  alert,
  h('div', { class: 'field' }, h('label', { for: 'username' }, 'Username'), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
  submit,
);

app.replaceChildren(
  h(
    'div',
    { class: 'login-card' },
    h('div', { class: 'login-brand' }, logo(), h('span', { class: 'brand-name' }, 'Witness')),
    h('h1', { class: 'login-title' }, 'Sign in'),
    h('p', { class: 'login-sub' }, 'Session replay appliance'),
    form,
  ),
  h('p', { class: 'login-notice' }, 'Authorised personnel only. Recordings may contain personal data: view them only for a legitimate purpose.'),
);

function showError(message: string): void {
  alert.textContent = message;
  alert.hidden = false;
}

function busy(on: boolean): void {
  submit.disabled = on;
  submit.textContent = on ? 'Signing in…' : 'Sign in';
  form.setAttribute('aria-busy', String(on));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!username.value.trim() || !password.value) {
    showError('Enter your username and password.');
    (username.value.trim() ? password : username).focus();
    return;
  }
  busy(true);
  try {
    await api.login(username.value.trim(), password.value);
    window.location.replace(next);
  } catch (e) {
    busy(false);
    showError(e instanceof ApiError ? e.message : 'Signing in failed. Try again.');
    password.value = '';
    password.focus();
  }
});

// Already signed in (e.g. the back button): go straight on. Any failure simply leaves the form in place.
api.me().then(
  () => window.location.replace(next),
  () => username.focus(),
);
