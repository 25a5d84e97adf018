/**
 * Audit log (`audit.html?resource=recording:<id>` or `?actor=<user>`): answers "who watched this recording" and
 * "what did this user do" from `GET /api/v1/audit/entries` (every search is itself audited), exports the result as
 * CSV (audited too), shows the latest signed checkpoint and runs a verification of the whole log.
 */
import '../styles/console.css';
import { mountHeader } from '../components/header';
import { ApiError, type AuditEntry } from '../lib/api';
import { clear, h, icon } from '../lib/dom';
import { api, BASE } from '../lib/session';
import { formatDateTime } from '../lib/time';

void mountHeader({ current: 'audit' }).catch(() => undefined);

const main = document.getElementById('main')!;

interface AuditFilters {
  resource: string;
  actor: string;
  action: string;
}

const ACTIONS: [string, string][] = [
  ['', 'Any action'],
  ['replay.watched', 'Replay watched (intervals)'],
  ['recording.events.read', 'Recording events read'],
  ['recording.read', 'Recording opened'],
  ['recording.search', 'Recordings searched'],
  ['recording.import', 'Recording imported'],
  ['subject.erase', 'Data subject erased'],
  ['auth.login', 'Sign-in'],
  ['auth.token', 'API token'],
  ['auth.logout', 'Sign-out'],
  ['keys.rotate', 'Key rotation'],
  ['audit.export', 'Audit log exported'],
  ['audit.search.export', 'Audit report exported'],
  ['appliance.start', 'Appliance started'],
  ['appliance.stop', 'Appliance stopped'],
];

function fromSearch(search: string): AuditFilters {
  const q = new URLSearchParams(search);
  return { resource: q.get('resource') ?? '', actor: q.get('actor') ?? '', action: q.get('action') ?? '' };
}

function toQuery(f: AuditFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.resource.trim()) q.resource = f.resource.trim();
  if (f.actor.trim()) q.actor = f.actor.trim();
  if (f.action) q.action = f.action;
  return q;
}

// ---- the two questions, and the filters --------------------------------------------------------------------------
const recordingInput = h('input', { id: 'a-recording', type: 'search', placeholder: 'Recording id', autocomplete: 'off', spellcheck: 'false' });
const actorInput = h('input', { id: 'a-actor', type: 'search', placeholder: 'User name', autocomplete: 'off', spellcheck: 'false' });
const actionSelect = h('select', { id: 'a-action' }, ...ACTIONS.map(([v, label]) => h('option', { value: v }, label)));

const form = h(
  'form',
  { class: 'filters', role: 'search', 'aria-label': 'Search the audit log' },
  h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'a-recording' }, 'Who accessed this recording?'), recordingInput),
  h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'a-actor' }, 'What did this user do?'), actorInput),
  h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'a-action' }, 'Action'), actionSelect),
  h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, icon('filter'), 'Search')),
);

function readForm(): AuditFilters {
  const id = recordingInput.value.trim();
  return { resource: id ? (id.includes(':') ? id : `recording:${id}`) : '', actor: actorInput.value, action: actionSelect.value };
}

function fillForm(f: AuditFilters): void {
  recordingInput.value = f.resource.startsWith('recording:') ? f.resource.slice('recording:'.length) : f.resource;
  actorInput.value = f.actor;
  actionSelect.value = f.action;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const f = readForm();
  const search = new URLSearchParams(toQuery(f)).toString();
  window.history.pushState(null, '', `${window.location.pathname}${search ? `?${search}` : ''}`);
  void load(f);
});

window.addEventListener('popstate', () => {
  const f = fromSearch(window.location.search);
  fillForm(f);
  void load(f);
});

// ---- results -----------------------------------------------------------------------------------------------------
const summary = h('p', { class: 'table-summary', 'aria-live': 'polite' });
const exportLink = h('a', { class: 'btn btn-secondary btn-sm', href: '#', download: 'witness-audit-report.csv' }, icon('download'), 'Export CSV');
const tbody = h('tbody');
const table = h(
  'table',
  { class: 'data-table audit' },
  h('caption', { class: 'visually-hidden' }, 'Audit log entries, newest first.'),
  h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'num' }, '#'),
      h('th', { scope: 'col' }, 'Time'),
      h('th', { scope: 'col' }, 'Who'),
      h('th', { scope: 'col' }, 'Action'),
      h('th', { scope: 'col' }, 'Outcome'),
      h('th', { scope: 'col' }, 'Resource'),
      h('th', { scope: 'col' }, 'Details'),
      h('th', { scope: 'col' }, 'From'),
    ),
  ),
  tbody,
);
const status = h('div', { class: 'table-status' });
const loadMore = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Load more');
const footer = h('div', { class: 'table-footer' }, loadMore);

// ---- integrity ---------------------------------------------------------------------------------------------------
const checkpointText = h('p', { class: 'muted', 'aria-live': 'polite' }, 'Loading the latest signed checkpoint…');
const verifyResult = h('p', { 'aria-live': 'polite' });
const verifyButton = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, icon('refresh'), 'Verify the whole log');
const exportLog = h('a', { class: 'btn btn-ghost btn-sm', href: `${BASE.replace(/console\/$/, '')}api/v1/audit/export`, download: '' }, icon('download'), 'Export for offline verification');

main.append(
  h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Audit log'), summary), exportLink),
  form,
  h('section', { class: 'card table-card', 'aria-label': 'Audit entries' }, h('div', { class: 'table-scroll' }, table), status, footer),
  h(
    'section',
    { class: 'card audit-integrity', 'aria-label': 'Integrity' },
    h('h2', { class: 'state-title' }, 'Integrity'),
    checkpointText,
    h('div', { class: 'filter-actions' }, verifyButton, exportLog),
    verifyResult,
  ),
);

let nextBefore: number | null = null;
let current: AuditFilters = fromSearch(window.location.search);

function row(e: AuditEntry): HTMLElement {
  const resource = e.resourceType ? `${e.resourceType}${e.resourceId ? `: ${e.resourceId}` : ''}` : '—';
  const resourceCell =
    e.resourceType === 'recording' && e.resourceId
      ? h('a', { href: `${BASE}replay.html?id=${encodeURIComponent(e.resourceId)}` }, resource)
      : h('span', {}, resource);
  return h(
    'tr',
    {},
    h('td', { class: 'num muted' }, String(e.seq)),
    h('td', {}, formatDateTime(e.time)),
    h('td', {}, e.actor, e.actorType !== 'user' ? h('span', { class: 'muted' }, ` (${e.actorType})`) : ''),
    h('td', {}, h('code', {}, e.action)),
    h('td', {}, h('span', { class: `badge badge-${e.outcome === 'success' ? 'ok' : 'error'}` }, e.outcome)),
    h('td', {}, resourceCell),
    h('td', {}, e.note ?? (e.reason ? `Reason: ${e.reason}` : '')),
    h('td', { class: 'muted' }, e.ip ?? ''),
  );
}

async function load(f: AuditFilters, more = false): Promise<void> {
  current = f;
  const query = toQuery(f);
  exportLink.setAttribute('href', `${BASE.replace(/console\/$/, '')}api/v1/audit/entries.csv?${new URLSearchParams(query)}`);
  if (!more) {
    clear(tbody);
    nextBefore = null;
  }
  status.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const page = await api.auditEntries({ ...query, limit: '100', ...(more && nextBefore ? { beforeSeq: String(nextBefore) } : {}) });
    page.items.forEach((e) => tbody.append(row(e)));
    nextBefore = page.nextBeforeSeq;
    loadMore.hidden = nextBefore === null;
    const n = tbody.children.length;
    summary.textContent = `${n}${nextBefore !== null ? '+' : ''} ${n === 1 ? 'entry' : 'entries'}${
      f.resource ? ` for ${f.resource}` : ''}${f.actor ? ` by ${f.actor}` : ''}, newest first`;
    status.replaceChildren(n === 0 ? h('div', { class: 'state state-empty' }, h('p', { class: 'state-title' }, 'No entries match.')) : '');
  } catch (e) {
    status.replaceChildren(
      h('div', { class: 'state state-error', role: 'alert' }, h('p', { class: 'state-text' }, e instanceof ApiError ? e.message : String(e))),
    );
  }
}

loadMore.addEventListener('click', () => void load(current, true));

verifyButton.addEventListener('click', async () => {
  verifyButton.disabled = true;
  verifyResult.textContent = 'Verifying every entry, checkpoint signature and consistency proof…';
  try {
    const r = await api.verifyAudit();
    verifyResult.replaceChildren(h('span', { class: `badge badge-${r.ok ? 'ok' : 'error'}` }, r.ok ? 'Verified' : 'FAILED'), ` ${r.result}`);
  } catch (e) {
    verifyResult.textContent = e instanceof ApiError ? e.message : String(e);
  } finally {
    verifyButton.disabled = false;
  }
});

async function showCheckpoint(): Promise<void> {
  try {
    const c = await api.auditCheckpoint();
    checkpointText.replaceChildren(
      `Latest signed checkpoint: ${c.treeSize.toLocaleString()} entries, root `,
      h('code', { title: c.note }, `${c.rootHash.slice(0, 16)}…`),
      '. Verifier key: ',
      h('code', { class: 'break' }, c.verifierKey),
    );
  } catch (e) {
    checkpointText.textContent = e instanceof ApiError ? e.message : String(e);
  }
}

fillForm(current);
void load(current);
void showCheckpoint();
