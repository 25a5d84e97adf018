/**
 * A card of the Policy & consent page that shows data loaded from the appliance (the consent ledger, the PII
 * incidents): a title, a description, a live summary line, a Refresh button and a body that shows loading, an error
 * or the data. `load` runs one loader at a time as far as the page sees it: an older answer arriving after a newer
 * request is dropped. Failures go to the page's alert through `onError` and to an error state in the card.
 */
import { h, icon } from '../lib/dom';

export interface DataCardOptions {
  /** Element id prefix (`ledger`, `incidents`). */
  id: string;
  title: string;
  description: string;
  loadingText: string;
  errorText: string;
  /** Controls beside Refresh (e.g. a "Show purged" switch). */
  actions?: HTMLElement[];
  onError: (e: unknown) => void;
}

export interface DataCard {
  element: HTMLElement;
  summary: HTMLElement;
  body: HTMLElement;
  /** Loads with `fetch` and hands the data to `render`; an answer is dropped if a newer load started meanwhile. */
  load<T>(fetch: () => Promise<T>, render: (data: T) => void): Promise<void>;
  /** Runs on Refresh. */
  onRefresh(fn: () => void): void;
}

export function createDataCard(o: DataCardOptions): DataCard {
  const summary = h('p', { class: 'table-summary', 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, icon('refresh'), 'Refresh');
  const body = h('div', { class: 'ledger-body' }, h('p', { class: 'muted ledger-loading' }, o.loadingText));
  const element = h(
    'section',
    { class: 'card ledger-card', 'aria-labelledby': `${o.id}-title` },
    h(
      'div',
      { class: 'card-head' },
      h('div', {}, h('h2', { id: `${o.id}-title`, class: 'card-title' }, o.title), h('p', { class: 'muted' }, o.description), summary),
      o.actions?.length ? h('div', { class: 'card-actions' }, ...o.actions, refresh) : refresh,
    ),
    body,
  );
  let seq = 0;

  async function load<T>(fetch: () => Promise<T>, render: (data: T) => void): Promise<void> {
    const mine = ++seq;
    refresh.disabled = true;
    body.setAttribute('aria-busy', 'true');
    try {
      const data = await fetch();
      if (mine !== seq) return;
      o.onError(undefined);
      render(data);
    } catch (e) {
      if (mine !== seq) return;
      summary.textContent = '';
      body.replaceChildren(h('div', { class: 'state state-error' }, icon('alert'), h('div', {}, h('p', { class: 'state-title' }, o.errorText))));
      o.onError(e);
    } finally {
      if (mine === seq) {
        refresh.disabled = false;
        body.removeAttribute('aria-busy');
      }
    }
  }

  return { element, summary, body, load, onRefresh: (fn) => refresh.addEventListener('click', fn) };
}

/** A scrolling data table with a caption for screen readers. */
export function dataTable(caption: string, heads: HTMLTableCellElement[], body: HTMLTableSectionElement): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h('table', { class: 'data-table ledger' }, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, ...heads)), body),
  );
}

/** A column header (numeric columns are right-aligned). */
export function th(text: string, numeric = false): HTMLTableCellElement {
  return h('th', { scope: 'col', class: numeric ? 'num' : undefined }, text);
}

/** The empty state of a card: a shield, a title and a line of text. */
export function emptyState(title: string, text: string): HTMLElement {
  return h('div', { class: 'state state-empty' }, icon('shield'), h('div', {}, h('p', { class: 'state-title' }, title), h('p', { class: 'state-text' }, text)));
}
