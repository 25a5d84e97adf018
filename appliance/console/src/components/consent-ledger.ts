/**
 * The consent ledger of a site (GDPR Art. 7(1): being able to demonstrate consent): per notice version the grants,
 * withdrawals, those in force and the withdrawal rate, then the latest consent records, withdrawn ones marked.
 * Reading it is itself audited by the appliance. Failures go to the page's alert through `onError`.
 */
import { h } from '../lib/dom';
import { consentState, formatCount, formatRate, ledgerTotals, shortDigest } from '../lib/policy';
import { api } from '../lib/session';
import { formatDateTime } from '../lib/time';
import type { ConsentNoticeStats, ConsentRecord } from '../lib/types';
import { createDataCard, dataTable as table, emptyState, th } from './data-card';

/** How many of the latest records the table shows. */
const RECORDS = 50;

export interface ConsentLedger {
  element: HTMLElement;
  load(siteId: string): Promise<void>;
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
  const card = createDataCard({
    id: 'ledger',
    title: 'Consent ledger',
    description: 'Every consent given on this site, by notice version, as evidence of consent. Reading it is recorded in the audit log.',
    loadingText: 'Loading the consent ledger…',
    errorText: 'The consent ledger could not be loaded.',
    onError,
  });
  const { summary, body } = card;
  let siteId = '';

  function load(site: string): Promise<void> {
    siteId = site;
    return card.load(
      () => Promise.all([api.consentSummary(site), api.consents(site, RECORDS)]),
      ([s, page]) => render(s.versions, page.items),
    );
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

  card.onRefresh(() => void load(siteId));
  return { element: card.element, load };
}
