/**
 * PII incidents of a site: what the detector's quarantine action took out of recorded events. The stored events
 * hold a marker ("[email]") instead; the values are kept sealed under the visitor's key and are never shown here
 * (kinds and counts only). An admin purges an incident once reviewed: its sealed values are deleted, the incident
 * stays as the record. Listing and purging are audited by the appliance.
 */
import { h, icon } from '../lib/dom';
import { api } from '../lib/session';
import { formatDateTime } from '../lib/time';
import type { PiiIncident } from '../lib/types';

const SHOWN = 50;

export interface PiiIncidents {
  element: HTMLElement;
  load(siteId: string): Promise<void>;
}

/** "email 2, phone 1" */
export function kindsText(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function createPiiIncidents(onError: (e: unknown) => void): PiiIncidents {
  const summary = h('p', { class: 'table-summary', 'aria-live': 'polite' });
  const showAll = h('input', { type: 'checkbox', id: 'incidents-all' }) as HTMLInputElement;
  const refresh = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, icon('refresh'), 'Refresh');
  const body = h('div', { class: 'ledger-body' }, h('p', { class: 'muted ledger-loading' }, 'Loading incidents…'));
  const element = h(
    'section',
    { class: 'card ledger-card', 'aria-labelledby': 'incidents-title' },
    h(
      'div',
      { class: 'card-head' },
      h(
        'div',
        {},
        h('h2', { id: 'incidents-title', class: 'card-title' }, 'PII incidents'),
        h(
          'p',
          { class: 'muted' },
          'Personal data the quarantine action took out of recordings (policy: pii.action quarantine). Replays show a marker; the values stay sealed and are never shown. Purge an incident once reviewed.',
        ),
        summary,
      ),
      h('div', { class: 'card-actions' }, h('label', { class: 'check' }, showAll, ' Show purged'), refresh),
    ),
    body,
  );

  let siteId = '';
  let seq = 0;

  async function load(site: string): Promise<void> {
    siteId = site;
    const mine = ++seq;
    refresh.disabled = true;
    body.setAttribute('aria-busy', 'true');
    try {
      const page = await api.incidents(site, showAll.checked ? 'all' : 'open', SHOWN);
      if (mine !== seq) return;
      onError(undefined);
      render(page.items);
    } catch (e) {
      if (mine !== seq) return;
      summary.textContent = '';
      body.replaceChildren(h('div', { class: 'state state-error' }, icon('alert'), h('div', {}, h('p', { class: 'state-title' }, 'The incidents could not be loaded.'))));
      onError(e);
    } finally {
      if (mine === seq) {
        refresh.disabled = false;
        body.removeAttribute('aria-busy');
      }
    }
  }

  async function purge(incident: PiiIncident, button: HTMLButtonElement): Promise<void> {
    const note = window.prompt('Purge this incident? Its sealed values are deleted for good. Why (no personal data, please):', 'reviewed');
    if (note === null) return;
    button.disabled = true;
    try {
      await api.purgeIncident(siteId, incident.id, note);
      await load(siteId);
    } catch (e) {
      button.disabled = false;
      onError(e);
    }
  }

  function row(i: PiiIncident): HTMLElement {
    const action =
      i.status === 'open'
        ? (() => {
            const b = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, 'Purge') as HTMLButtonElement;
            b.addEventListener('click', () => void purge(i, b));
            return b;
          })()
        : h('span', { class: 'cell-note' }, `${i.resolvedBy ?? ''} ${i.resolvedAt ? formatDateTime(i.resolvedAt) : ''}${i.note ? ` — ${i.note}` : ''}`);
    return h(
      'tr',
      {},
      h('td', {}, formatDateTime(i.raisedAt)),
      h('td', {}, i.status === 'open' ? h('span', { class: 'badge badge-warn' }, 'Open') : h('span', { class: 'badge badge-muted' }, 'Purged')),
      h('td', {}, kindsText(i.kinds)),
      h('td', { class: 'num' }, String(i.valueCount)),
      h('td', {}, h('code', { class: 'mono', title: i.sessionId }, i.sessionId.slice(0, 12)), h('span', { class: 'cell-note' }, ` #${i.seq}`)),
      h('td', { class: 'num' }, String(i.policyVersion)),
      h('td', {}, action),
    );
  }

  function render(items: PiiIncident[]): void {
    const open = items.filter((i) => i.status === 'open').length;
    summary.textContent = `${open} open ${open === 1 ? 'incident' : 'incidents'}${showAll.checked ? `, ${items.length - open} purged` : ''}.`;
    if (items.length === 0) {
      body.replaceChildren(
        h(
          'div',
          { class: 'state state-empty' },
          icon('shield'),
          h('div', {}, h('p', { class: 'state-title' }, 'No incidents'), h('p', { class: 'state-text' }, 'Under the redact action (the default) nothing is kept, so nothing is raised.')),
        ),
      );
      return;
    }
    const heads = ['Raised', 'Status', 'Kinds', 'Values', 'Session / batch', 'Policy', ''].map((t, k) =>
      h('th', { scope: 'col', class: k === 3 || k === 5 ? 'num' : undefined }, t),
    );
    body.replaceChildren(
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data-table ledger' },
          h('caption', { class: 'visually-hidden' }, 'PII incidents, newest first.'),
          h('thead', {}, h('tr', {}, ...heads)),
          h('tbody', {}, ...items.map(row)),
        ),
      ),
    );
  }

  refresh.addEventListener('click', () => void load(siteId));
  showAll.addEventListener('change', () => void load(siteId));
  return { element, load };
}
