/**
 * PII incidents of a site: what the detector's quarantine action took out of recorded events. The stored events
 * hold a marker ("[email]") instead; the values are kept sealed under the visitor's key and are never shown here
 * (kinds and counts only). An admin purges an incident once reviewed: its sealed values are deleted, the incident
 * stays as the record. Listing and purging are audited by the appliance.
 */
import { h } from '../lib/dom';
import { api } from '../lib/session';
import { formatDateTime } from '../lib/time';
import type { PiiIncident } from '../lib/types';
import { createDataCard, dataTable, emptyState, th } from './data-card';

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
  const showAll = h('input', { type: 'checkbox', id: 'incidents-all' }) as HTMLInputElement;
  const card = createDataCard({
    id: 'incidents',
    title: 'PII incidents',
    description:
      'Personal data the quarantine action took out of recordings (policy: pii.action quarantine). Replays show a marker; the values stay sealed and are never shown. Purge an incident once reviewed.',
    loadingText: 'Loading incidents…',
    errorText: 'The incidents could not be loaded.',
    actions: [h('label', { class: 'check' }, showAll, ' Show purged')],
    onError,
  });
  const { summary, body } = card;
  let siteId = '';

  function load(site: string): Promise<void> {
    siteId = site;
    return card.load(() => api.incidents(site, showAll.checked ? 'all' : 'open', SHOWN), (page) => render(page.items));
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
      body.replaceChildren(emptyState('No incidents', 'Under the redact action (the default) nothing is kept, so nothing is raised.'));
      return;
    }
    const heads = ['Raised', 'Status', 'Kinds', 'Values', 'Session / batch', 'Policy', ''].map((t, k) => th(t, k === 3 || k === 5));
    body.replaceChildren(dataTable('PII incidents, newest first.', heads, h('tbody', {}, ...items.map(row))));
  }

  card.onRefresh(() => void load(siteId));
  showAll.addEventListener('change', () => void load(siteId));
  return { element: card.element, load };
}
