/**
 * The consent ledger of a site (GDPR Art. 7(1): being able to demonstrate consent): per notice version the grants,
 * withdrawals, those in force and the withdrawal rate, then the latest consent records, withdrawn ones marked.
 * Reading it is itself audited by the appliance. Failures go to the page's alert through `onError`.
 */
import { h, icon } from '../lib/dom';
import { consentState, formatCount, formatRate, ledgerTotals, shortDigest } from '../lib/policy';
import { api } from '../lib/session';
import { formatDateTime } from '../lib/time';
import type { ConsentNoticeStats, ConsentRecord } from '../lib/types';

/** How many of the latest records the table shows. */
const RECORDS = 50;

export interface ConsentLedger {
  element: HTMLElement;
  load(siteId: string): Promise<void>;
}

function th(text: string, numeric = false): HTMLTableCellElement {
  return h('th', { scope: 'col', class: numeric ? 'num' : undefined }, text);
}

function table(caption: string, heads: HTMLTableCellElement[], body: HTMLTableSectionElement): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h('table', { class: 'data-table ledger' }, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, ...heads)), body),
  );
}

function emptyState(title: string, text: string): HTMLElement {
  return h('div', { class: 'state state-empty' }, icon('shield'), h('div', {}, h('p', { class: 'state-title' }, title), h('p', { class: 'state-text' }, text)));
}

function versionRow(v: ConsentNoticeStats): HTMLElement {
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, h('code', {}, v.noticeVersion)),
    h('td', { class: 'num' }, formatCount(v.grants)),
    h('td', { class: 'num' }, formatCount(v.withdrawals)),
    h('td', { class: 'num' }, formatCount(v.inForce)),
    h('td', { class: 'num' }, formatRate(v.withdrawalRate)),
    h('td', { class: 'num' }, formatCount(v.withSignals)),
    h('td', {}, formatDateTime(v.firstGrant)),
    h('td', {}, formatDateTime(v.lastGrant)),
  );
}

function stateCell(r: ConsentRecord, now: Date): HTMLElement {
  const state = consentState(r, now);
  if (state === 'withdrawn') {
    return h(
      'td',
      {},
      h('span', { class: 'badge badge-warn' }, 'Withdrawn'),
      h('span', { class: 'cell-note' }, ` ${r.withdrawnAt ? formatDateTime(r.withdrawnAt) : ''}${r.withdrawalMethod ? ` (${r.withdrawalMethod})` : ''}`),
    );
  }
  return h('td', {}, state === 'expired' ? h('span', { class: 'badge badge-muted' }, 'Expired') : h('span', { class: 'badge badge-ok' }, 'In force'));
}

function recordRow(r: ConsentRecord, now: Date): HTMLElement {
  const signals = [r.gpc ? 'GPC' : '', r.dnt ? 'DNT' : ''].filter(Boolean);
  return h(
    'tr',
    { class: r.withdrawnAt ? 'is-withdrawn' : undefined },
    h('td', {}, formatDateTime(r.grantedAt)),
    stateCell(r, now),
    h('td', {}, h('code', {}, r.noticeVersion)),
    h('td', { class: 'num' }, String(r.policyVersion)),
    h('td', {}, r.purposes.join(', ')),
    h('td', {}, r.method),
    h('td', {}, signals.length ? signals.join(', ') : h('span', { class: 'muted' }, 'none')),
    h('td', {}, r.region ?? h('span', { class: 'muted' }, '—')),
    h('td', {}, formatDateTime(r.expiresAt)),
    h('td', {}, h('code', { class: 'mono', title: r.consentId }, shortDigest(r.consentId, 8))),
  );
}

export function createConsentLedger(onError: (e: unknown) => void): ConsentLedger {
  const summary = h('p', { class: 'table-summary', 'aria-live': 'polite' });
  const refresh = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, icon('refresh'), 'Refresh');
  const body = h('div', { class: 'ledger-body' }, h('p', { class: 'muted ledger-loading' }, 'Loading the consent ledger…'));
  const element = h(
    'section',
    { class: 'card ledger-card', 'aria-labelledby': 'ledger-title' },
    h(
      'div',
      { class: 'card-head' },
      h(
        'div',
        {},
        h('h2', { id: 'ledger-title', class: 'card-title' }, 'Consent ledger'),
        h('p', { class: 'muted' }, 'Every consent given on this site, by notice version, as evidence of consent. Reading it is recorded in the audit log.'),
        summary,
      ),
      refresh,
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
      const [s, page] = await Promise.all([api.consentSummary(site), api.consents(site, RECORDS)]);
      if (mine !== seq) return;
      onError(undefined);
      render(s.versions, page.items);
    } catch (e) {
      if (mine !== seq) return;
      summary.textContent = '';
      body.replaceChildren(h('div', { class: 'state state-error' }, icon('alert'), h('div', {}, h('p', { class: 'state-title' }, 'The consent ledger could not be loaded.'))));
      onError(e);
    } finally {
      if (mine === seq) {
        refresh.disabled = false;
        body.removeAttribute('aria-busy');
      }
    }
  }

  function render(versions: ConsentNoticeStats[], items: ConsentRecord[]): void {
    if (versions.length === 0 && items.length === 0) {
      summary.textContent = '';
      body.replaceChildren(emptyState('No consent recorded yet', 'Consents appear here as soon as visitors accept this site’s notice.'));
      return;
    }
    const t = ledgerTotals(versions);
    summary.textContent = `${formatCount(t.grants)} ${t.grants === 1 ? 'grant' : 'grants'} across ${versions.length} notice ${
      versions.length === 1 ? 'version' : 'versions'}: ${formatCount(t.inForce)} in force, ${formatRate(t.withdrawalRate)} withdrawn.`;
    const now = new Date();
    const versionsBody = h('tbody', {}, ...versions.map(versionRow));
    const recordsBody = h('tbody', {}, ...items.map((r) => recordRow(r, now)));
    body.replaceChildren(
      h('h3', { class: 'section-subtitle' }, 'By notice version'),
      versions.length
        ? table(
            'Consents per notice version, latest grant first.',
            [th('Notice version'), th('Grants', true), th('Withdrawals', true), th('In force', true), th('Withdrawal rate', true),
              th('With GPC or DNT', true), th('First grant'), th('Last grant')],
            versionsBody,
          )
        : emptyState('No consent recorded yet', 'No notice version has been accepted.'),
      h('h3', { class: 'section-subtitle' }, `Latest consent records`, h('span', { class: 'muted subtitle-note' }, ` (up to ${RECORDS}, newest first)`)),
      items.length
        ? table(
            'Latest consent records, newest first. Withdrawn consents are marked.',
            [th('Granted'), th('Status'), th('Notice'), th('Policy', true), th('Purposes'), th('Method'), th('Signals'), th('Region'),
              th('Expires'), th('Consent')],
            recordsBody,
          )
        : emptyState('No consent records yet', 'Records appear here as soon as visitors accept this site’s notice.'),
    );
  }

  refresh.addEventListener('click', () => void load(siteId));
  return { element, load };
}
