/**
 * Recordings list (`index.html`): filters kept in the page URL (see lib/query.ts), a dense table of
 * `GET /api/v1/recordings`, newest first, with cursor pagination ("Load more").
 */
import '../styles/console.css';
import { mountHeader } from '../components/header';
import { ApiError } from '../lib/api';
import { clear, h, icon } from '../lib/dom';
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  hasActiveFilters,
  parseSeconds,
  type RecordingFilters,
  validateFilters,
} from '../lib/query';
import { api, BASE } from '../lib/session';
import { formatDateTime, formatDuration, fromLocalInputValue, toLocalInputValue } from '../lib/time';
import type { RecordingSummary } from '../lib/types';

void mountHeader({ current: 'recordings' }).catch(() => undefined);

const main = document.getElementById('main')!;

// ---- filter form -------------------------------------------------------------------------------------------------
const fromInput = h('input', { id: 'f-from', type: 'datetime-local', name: 'from' });
const toInput = h('input', { id: 'f-to', type: 'datetime-local', name: 'to' });
const urlInput = h('input', { id: 'f-url', type: 'search', name: 'page', placeholder: 'e.g. /checkout/payment', autocomplete: 'off', spellcheck: 'false' });
const minInput = h('input', { id: 'f-min', type: 'number', name: 'minDuration', min: '0', step: '1', inputmode: 'numeric', placeholder: 'Min', 'aria-label': 'Minimum duration in seconds' });
const maxInput = h('input', { id: 'f-max', type: 'number', name: 'maxDuration', min: '0', step: '1', inputmode: 'numeric', placeholder: 'Max', 'aria-label': 'Maximum duration in seconds' });
const errorsInput = h('input', { id: 'f-errors', type: 'checkbox', name: 'errors' });
const formError = h('div', { class: 'alert alert-error alert-inline', role: 'alert', hidden: true });

const presets: [string, number][] = [
  ['24 h', 24],
  ['7 days', 24 * 7],
  ['30 days', 24 * 30],
];
const presetButtons = presets.map(([label, hours]) =>
  h('button', { type: 'button', class: 'chip', onclick: () => applyPreset(hours) }, label),
);

const form = h(
  'form',
  { class: 'filters', role: 'search', 'aria-label': 'Filter recordings' },
  h(
    'div',
    { class: 'field field-range' },
    h('span', { class: 'field-label', id: 'l-time' }, 'Time range'),
    h(
      'div',
      { class: 'range-inputs', role: 'group', 'aria-labelledby': 'l-time' },
      h('label', { class: 'visually-hidden', for: 'f-from' }, 'From'),
      fromInput,
      h('span', { class: 'range-sep', 'aria-hidden': 'true' }, '–'),
      h('label', { class: 'visually-hidden', for: 'f-to' }, 'To'),
      toInput,
    ),
    h('div', { class: 'chips', role: 'group', 'aria-label': 'Quick ranges' }, h('span', { class: 'chips-label' }, 'Last'), ...presetButtons),
  ),
  h('div', { class: 'field field-url' }, h('label', { class: 'field-label', for: 'f-url' }, 'Page path'), urlInput),
  h(
    'div',
    { class: 'field field-duration' },
    h('span', { class: 'field-label', id: 'l-dur' }, 'Duration (s)'),
    h('div', { class: 'range-inputs', role: 'group', 'aria-labelledby': 'l-dur' }, minInput, h('span', { class: 'range-sep', 'aria-hidden': 'true' }, '–'), maxInput),
  ),
  h('div', { class: 'field field-check' }, h('label', { class: 'check' }, errorsInput, h('span', {}, 'Has console errors'))),
  h(
    'div',
    { class: 'filter-actions' },
    h('button', { type: 'submit', class: 'btn btn-primary' }, icon('filter'), 'Apply'),
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => navigate(EMPTY_FILTERS) }, 'Reset'),
  ),
  formError,
);

function fillForm(f: RecordingFilters): void {
  fromInput.value = toLocalInputValue(f.from);
  toInput.value = toLocalInputValue(f.to);
  urlInput.value = f.page;
  minInput.value = f.minDurationS == null ? '' : String(f.minDurationS);
  maxInput.value = f.maxDurationS == null ? '' : String(f.maxDurationS);
  errorsInput.checked = f.hasError;
}

function readForm(): RecordingFilters {
  return {
    from: fromLocalInputValue(fromInput.value),
    to: fromLocalInputValue(toInput.value),
    page: urlInput.value.trim(),
    minDurationS: parseSeconds(minInput.value),
    maxDurationS: parseSeconds(maxInput.value),
    hasError: errorsInput.checked,
  };
}

function applyPreset(hours: number): void {
  const now = Date.now();
  navigate({ ...readForm(), from: new Date(now - hours * 3_600_000).toISOString(), to: '' });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  navigate(readForm());
});

/** Puts filters into the page URL (a new history entry) and reloads the table. */
function navigate(f: RecordingFilters): void {
  const problems = validateFilters(f);
  if (problems.length) {
    formError.textContent = problems.join(' ');
    formError.hidden = false;
    return;
  }
  formError.hidden = true;
  const url = `${window.location.pathname}${filtersToSearch(f)}`;
  if (url !== window.location.pathname + window.location.search) window.history.pushState(null, '', url);
  fillForm(f);
  void load(f);
}

window.addEventListener('popstate', () => {
  const f = filtersFromSearch(window.location.search);
  fillForm(f);
  void load(f);
});

// ---- table -------------------------------------------------------------------------------------------------------
const summary = h('p', { class: 'table-summary', 'aria-live': 'polite' });
const refresh = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => void load(current) }, icon('refresh'), 'Refresh');
const tbody = h('tbody');
const table = h(
  'table',
  { class: 'data-table recordings' },
  h('caption', { class: 'visually-hidden' }, 'Recordings, newest first. Select a row to replay it.'),
  h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { scope: 'col', class: 'col-start' }, 'Started'),
      h('th', { scope: 'col', class: 'num' }, 'Duration'),
      h('th', { scope: 'col', class: 'num' }, 'Active'),
      h('th', { scope: 'col', class: 'col-url' }, 'First URL'),
      h('th', { scope: 'col', class: 'num' }, 'Pages'),
      h('th', { scope: 'col', class: 'num' }, 'Clicks'),
      h('th', { scope: 'col', class: 'num' }, 'Errors'),
      h('th', { scope: 'col' }, 'Source'),
    ),
  ),
  tbody,
);
const status = h('div', { class: 'table-status' });
const loadMore = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Load more');
const footer = h('div', { class: 'table-footer' }, loadMore);

main.replaceChildren(
  h(
    'div',
    { class: 'page-head' },
    h('div', {}, h('h1', { class: 'page-title' }, 'Recordings'), summary),
    refresh,
  ),
  form,
  h('section', { class: 'card table-card', 'aria-label': 'Recordings' }, h('div', { class: 'table-scroll' }, table), status, footer),
);

let current: RecordingFilters = filtersFromSearch(window.location.search);
let nextCursor: string | null = null;
let shown = 0;
let controller: AbortController | undefined;

function hostAndPath(raw: string): [string, string] {
  try {
    const u = new URL(raw);
    return [u.host, `${u.pathname}${u.search}${u.hash}`];
  } catch {
    return ['', raw];
  }
}

function row(r: RecordingSummary): HTMLTableRowElement {
  const href = `${BASE}replay.html?id=${encodeURIComponent(r.id)}`;
  const [host, path] = hostAndPath(r.firstUrl);
  const tr = h(
    'tr',
    { class: 'row-link', dataset: { id: r.id } },
    h('td', { class: 'col-start' }, h('a', { href, class: 'row-anchor', title: `Replay recording ${r.id}` }, formatDateTime(r.startedAt))),
    h('td', { class: 'num' }, formatDuration(r.durationMs)),
    h('td', { class: 'num muted' }, formatDuration(r.activeMs)),
    h('td', { class: 'col-url' }, h('span', { class: 'url', title: r.firstUrl }, host ? h('span', { class: 'url-host' }, host) : null, h('span', { class: 'url-path' }, path))),
    h('td', { class: 'num' }, r.pageCount),
    h('td', { class: 'num' }, r.clickCount),
    h(
      'td',
      { class: 'num' },
      r.errorCount > 0
        ? h('span', { class: 'badge badge-error', title: `${r.errorCount} console error${r.errorCount === 1 ? '' : 's'}` }, r.errorCount)
        : h('span', { class: 'muted' }, '0'),
    ),
    h('td', {}, h('span', { class: `pill pill-${r.source}` }, r.source === 'live' ? 'Live' : 'Import')),
  );
  tr.addEventListener('click', (e) => {
    const target = e.target as Element;
    if (target.closest('a')) return; // the link handles itself, including ctrl/middle click
    if (window.getSelection()?.toString()) return; // selecting text is not a click on the row
    window.location.assign(href);
  });
  return tr;
}

function skeleton(rows: number): HTMLTableRowElement[] {
  return Array.from({ length: rows }, () =>
    h('tr', { class: 'skeleton-row', 'aria-hidden': 'true' }, ...Array.from({ length: 8 }, () => h('td', {}, h('span', { class: 'skeleton' })))),
  );
}

function setStatus(...content: (Node | string)[]): void {
  clear(status);
  status.append(...content);
  status.hidden = content.length === 0;
}

function updateSummary(): void {
  const filtered = hasActiveFilters(current);
  summary.textContent = `${shown}${nextCursor ? '+' : ''} recording${shown === 1 && !nextCursor ? '' : 's'}${filtered ? ' matching the filters' : ''} · newest first`;
}

async function load(f: RecordingFilters, cursor: string | null = null): Promise<void> {
  controller?.abort();
  const ctl = new AbortController();
  controller = ctl;
  const appending = cursor !== null;
  if (!appending) {
    current = f;
    shown = 0;
    nextCursor = null;
    tbody.replaceChildren(...skeleton(8));
    setStatus();
    summary.textContent = 'Loading…';
    loadMore.hidden = true;
    table.setAttribute('aria-busy', 'true');
  } else {
    loadMore.disabled = true;
    loadMore.textContent = 'Loading…';
  }
  try {
    const page = await api.listRecordings(filtersToApiQuery(f, cursor), ctl.signal);
    if (ctl.signal.aborted) return;
    if (!appending) tbody.replaceChildren();
    tbody.append(...page.items.map(row));
    shown += page.items.length;
    nextCursor = page.nextCursor;
    table.removeAttribute('aria-busy');
    if (shown === 0) showEmpty();
    else setStatus();
    loadMore.hidden = !nextCursor;
    loadMore.disabled = false;
    loadMore.textContent = 'Load more';
    updateSummary();
  } catch (e) {
    if (ctl.signal.aborted || (e as { name?: string }).name === 'AbortError') return;
    table.removeAttribute('aria-busy');
    const message = e instanceof ApiError ? e.message : 'The recordings could not be loaded.';
    if (!appending) {
      tbody.replaceChildren();
      summary.textContent = '';
    }
    loadMore.disabled = false;
    loadMore.textContent = 'Load more';
    setStatus(
      h(
        'div',
        { class: 'state state-error', role: 'alert' },
        icon('alert'),
        h('div', {}, h('p', { class: 'state-title' }, 'Recordings could not be loaded'), h('p', { class: 'state-text' }, message)),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => void load(f, cursor) }, 'Try again'),
      ),
    );
  }
}

function showEmpty(): void {
  const filtered = hasActiveFilters(current);
  setStatus(
    h(
      'div',
      { class: 'state state-empty' },
      icon('film'),
      h(
        'div',
        {},
        h('p', { class: 'state-title' }, filtered ? 'No recordings match these filters' : 'No recordings yet'),
        h(
          'p',
          { class: 'state-text' },
          filtered
            ? 'Widen the time range or clear a filter.'
            : 'Recordings appear here once a site with the recorder sends sessions, or after an import.',
        ),
      ),
      filtered ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => navigate(EMPTY_FILTERS) }, 'Clear filters') : null,
    ),
  );
}

loadMore.addEventListener('click', () => {
  if (nextCursor) void load(current, nextCursor);
});

fillForm(current);
void load(current);
