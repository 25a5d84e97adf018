import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BANNER_ID } from '../src/banner';
import { CONSENT_KEY, ConsentGate, OPT_OUT_KEY, type StoredConsent } from '../src/consent';
import { resolveOptions, type WitnessOptions } from '../src/options';
import type { Signals, SitePolicy } from '../src/policy';
import { STORAGE_KEY } from '../src/session';
import { FakeRrweb, FakeServer, newRecorder, POLICY, RecordingStorage } from './fakes';
import { validateBody } from './protocol-validator';

const NO_SIGNALS: Signals = { gpc: false, dnt: false };
const STORED: StoredConsent = {
  visitorId: 'Vq3xN8rT1kLmQw7pZ2aB9c',
  receipt: 'eyJ2IjoxfQ.c3RvcmVk',
  consentId: 'consent-0',
  expiresAt: '2027-06-01T12:00:00Z',
  policyVersion: 3,
};

/** Waits for the gate's promise chains (fetch answers and their JSON) without moving fake time. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('ConsentGate', () => {
  let server: FakeServer;
  let rrweb: FakeRrweb;
  let local: RecordingStorage;
  let tab: RecordingStorage;
  let gates: ConsentGate[];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-25T09:00:00Z') });
    server = new FakeServer();
    rrweb = new FakeRrweb();
    local = new RecordingStorage();
    tab = new RecordingStorage();
    gates = [];
    document.body.innerHTML = '';
  });
  afterEach(() => {
    gates.forEach((g) => g.close());
    vi.useRealTimers();
  });

  function gate(options: Partial<WitnessOptions> = {}, signals = NO_SIGNALS, fetch = server.fetch) {
    const recorder = newRecorder(server, rrweb, options, { storage: tab });
    const resolved = resolveOptions({ endpoint: 'https://witness.test/', siteKey: 'site-key-1', ...options });
    const g = new ConsentGate(resolved, recorder, { fetch, local, tab, signals });
    gates.push(g);
    return { gate: g, recorder };
  }

  const banner = () => document.getElementById(BANNER_ID);
  const click = (label: string) =>
    [...banner()!.querySelectorAll('button')].find((b) => b.textContent === label)!.click();
  const nothingStored = () => expect([local.writes, tab.writes, local.length, tab.length]).toEqual([[], [], 0, 0]);

  describe('before consent', () => {
    it('init_withoutBannerFetchesNothingAndStoresNothing', async () => {
      const fetch = vi.fn(server.fetch);
      const recorder = newRecorder(server, rrweb, {}, { storage: tab, fetch });
      const options = resolveOptions({ endpoint: 'https://witness.test', siteKey: 'site-key-1', banner: false });
      gates.push(new ConsentGate(options, recorder, { fetch, local, tab, signals: NO_SIGNALS }));
      recorder.identify('customer-4711');
      vi.advanceTimersByTime(60_000);
      await idle();
      expect(fetch).not.toHaveBeenCalled();
      expect(gates[0].state()).toBe('unknown');
      expect(rrweb.recording).toBe(false);
      nothingStored();
      expect(document.cookie).toBe('');
    });

    it('init_withBannerFetchesOnlyThePolicyAndStoresNothing', async () => {
      const { gate: g } = gate();
      await until(() => banner() !== null);
      expect(server.consentRequests.map((r) => [r.method, r.url, r.credentials])).toEqual([
        ['GET', 'https://witness.test/consent/v1/sites/site-key-1/policy', 'omit'],
      ]);
      expect(banner()!.textContent).toContain(POLICY.consent.notice.text);
      expect(server.requests).toEqual([]);
      expect(g.state()).toBe('unknown');
      nothingStored();
    });

    it('init_withThePolicyInTheOptionsMakesNoRequest', async () => {
      gate({ policy: POLICY });
      await until(() => banner() !== null);
      expect(server.consentRequests).toEqual([]);
    });

    it('reject_storesNothingSendsNothingAndAsksAgainOnTheNextPage', async () => {
      const { gate: g } = gate();
      await until(() => banner() !== null);
      click('Reject');
      await idle();
      expect(banner()).toBeNull();
      expect(g.state()).toBe('denied');
      expect(server.consent('receipts')).toEqual([]);
      expect(server.requests).toEqual([]);
      expect(rrweb.recording).toBe(false);
      nothingStored();
      gate(); // the next page
      await until(() => banner() !== null);
    });

    it('init_withAnUnreachableAppliancesShowsNothingAndRecordsNothing', async () => {
      server.answerConsent('network');
      const { gate: g } = gate();
      await idle();
      expect(banner()).toBeNull();
      expect(g.state()).toBe('unknown');
      nothingStored();
    });
  });

  describe('grant', () => {
    it('accept_postsTheReceiptRequestStoresItAndStartsCapture', async () => {
      const { gate: g, recorder } = gate({ region: 'DE' });
      await until(() => banner() !== null);
      click('Accept');
      await until(() => rrweb.recording);
      expect(banner()).toBeNull();
      const [request] = server.consent('receipts');
      expect(request).toMatchObject({ method: 'POST', credentials: 'omit' });
      expect(request.url).toBe('https://witness.test/consent/v1/sites/site-key-1/receipts');
      const body = request.body as Record<string, unknown>;
      expect(body.visitorId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(body).toEqual({
        visitorId: body.visitorId,
        purposes: ['replay'],
        method: 'banner:accept',
        policyVersion: 3,
        noticeVersion: '2026-12',
        noticeSha256: POLICY.consent.notice.sha256,
        signals: { gpc: false, dnt: false },
        region: 'DE',
      });
      const stored = JSON.parse(local.getItem(CONSENT_KEY)!);
      expect(stored).toEqual({
        visitorId: body.visitorId,
        receipt: 'eyJ2IjoxLCJpZCI61.c2lnbmF0dXJl',
        consentId: 'consent-1',
        expiresAt: '2027-06-01T12:00:00Z',
        policyVersion: 3,
      });
      expect(g.state()).toBe('granted');
      expect(g.visitorId()).toBe(body.visitorId);

      rrweb.mouseMove();
      await recorder.flush();
      expect(server.requests).toHaveLength(1);
      for (const r of server.requests) {
        expect(r.headers['Witness-Consent']).toBe(stored.receipt);
        expect(r.json.visitorId).toBe(body.visitorId);
        expect(validateBody(r.text)).toEqual({ status: 200 });
      }
      expect(tab.getItem(STORAGE_KEY)).not.toBeNull();
    });

    it('grant_apiPostsWithMethodApiAndAStoredConsentIsNotGrantedTwice', async () => {
      const { gate: g } = gate({ banner: false });
      await Promise.all([g.grant(), g.grant()]); // one request for both
      expect(server.consent('receipts')).toHaveLength(1);
      expect(server.consent('receipts')[0].body).toMatchObject({ method: 'api', purposes: ['replay'] });
      expect(rrweb.recording).toBe(true);
      await g.grant();
      expect(server.consent('receipts')).toHaveLength(1);
    });

    it('grant_withoutAPurposeThePolicyRequiresRejectsAndRecordsNothing', async () => {
      const { gate: g } = gate({ banner: false });
      await expect(g.grant(['analytics'])).rejects.toThrow(/purposes must include replay/);
      expect(server.consent('receipts')).toEqual([]);
      nothingStored();
    });

    it('grant_refusedByTheApplianceRejectsAndStoresNothing', async () => {
      const { gate: g } = gate({ banner: false, policy: POLICY });
      server.answerConsent(409); // the notice changed meanwhile
      await expect(g.grant()).rejects.toThrow(/409/);
      expect(g.state()).toBe('unknown');
      expect(rrweb.recording).toBe(false);
      nothingStored();
    });

    it('grant_answeredAfterAWithdrawalStartsNothingAndWithdrawsTheNewReceipt', async () => {
      let answer!: () => void;
      const answered = new Promise<void>((resolve) => (answer = resolve));
      const slowReceipts: typeof fetch = async (input, init) => {
        if (String(input).endsWith('/receipts')) await answered;
        return server.fetch(input, init);
      };
      const { gate: g } = gate({ banner: false, policy: POLICY }, NO_SIGNALS, slowReceipts);
      const granting = g.grant();
      await idle(); // the receipt request is under way
      await g.withdraw(); // nothing to withdraw yet
      answer();
      await expect(granting).rejects.toThrow(/withdrawn/);
      await until(() => server.consent('withdrawals').length === 1);
      const receipt = 'eyJ2IjoxLCJpZCI61.c2lnbmF0dXJl'; // the one the late answer carried
      const sent = server.consent('withdrawals')[0].body as { receipt: string; visitorId: string; method: string };
      expect(sent).toEqual({ receipt, visitorId: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), method: 'api' });
      expect(rrweb.recording).toBe(false);
      expect(local.getItem(CONSENT_KEY)).toBeNull();
    });
  });

  describe('privacy signals', () => {
    it.each([
      ['GPC', { gpc: true, dnt: false }, /Global Privacy Control/],
      ['DNT', { gpc: false, dnt: true }, /Do Not Track/],
    ])('%s_onWithDoNotRecordShowsNoBannerAndGrantRejects', async (_, signals, reason) => {
      const { gate: g } = gate({}, signals);
      await idle();
      expect(banner()).toBeNull();
      expect(g.state()).toBe('blocked-by-signal');
      await expect(g.grant()).rejects.toThrow(reason);
      expect(server.consent('receipts')).toEqual([]);
      expect(server.requests).toEqual([]);
      expect(rrweb.recording).toBe(false);
      nothingStored();
    });

    it('gpc_onWithAPolicyThatIgnoresItShowsTheBanner', async () => {
      const policy: SitePolicy = { ...POLICY, consent: { ...POLICY.consent, gpc: 'ignore' } };
      const { gate: g } = gate({ policy }, { gpc: true, dnt: false });
      await until(() => banner() !== null);
      click('Accept');
      await until(() => rrweb.recording);
      expect(server.consent('receipts')[0].body).toMatchObject({ signals: { gpc: true, dnt: false } });
      expect(g.state()).toBe('granted');
    });

    it('gpc_onWithAStoredConsentRecordsNothing', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g } = gate({}, { gpc: true, dnt: false });
      await until(() => server.consent('policy').length === 1);
      await idle();
      expect(g.state()).toBe('blocked-by-signal');
      expect(rrweb.recording).toBe(false);
      expect(server.requests).toEqual([]);
    });
  });

  describe('opt-out regions', () => {
    const OPT_OUT_CA: SitePolicy = { ...POLICY, consent: { ...POLICY.consent, regions: { 'US-CA': 'opt-out' } } };

    it('optOutRegion_recordsAtOnceWithTheNoticeAndOptOutStopsAndIsRemembered', async () => {
      const { gate: g } = gate({ policy: OPT_OUT_CA, region: 'US-CA' });
      await until(() => rrweb.recording && banner() !== null);
      expect(server.consent('receipts')[0].body).toMatchObject({ method: 'opt-out', region: 'US-CA' });
      expect(g.state()).toBe('granted');
      expect([...banner()!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['OK', 'Opt out']);
      click('Opt out');
      expect(rrweb.recording).toBe(false); // synchronously
      await until(() => server.consent('withdrawals').length === 1);
      expect(local.getItem(CONSENT_KEY)).toBeNull();
      expect(local.getItem(OPT_OUT_KEY)).toBe('1');
      expect(g.state()).toBe('denied');
      g.close();

      // the next page: neither records nor asks, and sends nothing
      const before = server.consentRequests.length;
      const { gate: next } = gate({ policy: OPT_OUT_CA, region: 'US-CA' });
      await idle();
      expect(next.state()).toBe('denied');
      expect(banner()).toBeNull();
      expect(rrweb.recording).toBe(false);
      expect(server.consentRequests.length).toBe(before);
    });

    it('optOutRegion_okKeepsRecording', async () => {
      const { gate: g } = gate({ policy: OPT_OUT_CA, region: 'US-CA' });
      await until(() => banner() !== null);
      click('OK');
      expect(banner()).toBeNull();
      expect(rrweb.recording).toBe(true);
      expect(g.state()).toBe('granted');
      expect(local.getItem(OPT_OUT_KEY)).toBeNull();
    });

    it.each([['another region', 'DE'], ['an unknown region', undefined]])(
      'optOutPolicy_%sStillAsksFirst',
      async (_, region) => {
        const { gate: g } = gate({ policy: OPT_OUT_CA, region });
        await until(() => banner() !== null);
        expect([...banner()!.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Accept', 'Reject']);
        expect(server.consent('receipts')).toEqual([]);
        expect(rrweb.recording).toBe(false);
        expect(g.state()).toBe('unknown');
        nothingStored();
      },
    );

    it('optOutRegion_withGpcRecordsNothingAndShowsNothing', async () => {
      const { gate: g } = gate({ policy: OPT_OUT_CA, region: 'US-CA' }, { gpc: true, dnt: false });
      await idle();
      expect(g.state()).toBe('blocked-by-signal');
      expect(banner()).toBeNull();
      expect(server.consent('receipts')).toEqual([]);
      expect(rrweb.recording).toBe(false);
      nothingStored();
    });

    it('grantAfterOptingOut_recordsAgainAndForgetsTheRefusal', async () => {
      local.setItem(OPT_OUT_KEY, '1');
      const { gate: g } = gate({ policy: OPT_OUT_CA, region: 'US-CA' });
      await idle();
      expect(g.state()).toBe('denied');
      await g.grant(['replay'], 'api');
      expect(rrweb.recording).toBe(true);
      expect(server.consent('receipts')[0].body).toMatchObject({ method: 'api' });
      expect(local.getItem(OPT_OUT_KEY)).toBeNull();
    });

    it('ownConsentTool_grantsOptOutWithoutFetchingBeforehand', async () => {
      const { gate: g } = gate({ banner: false, region: 'US-CA' });
      await idle();
      expect(server.consentRequests).toEqual([]);
      await g.grant(['replay'], 'opt-out');
      expect(server.consent('receipts')[0].body).toMatchObject({ method: 'opt-out', region: 'US-CA' });
      await g.withdraw();
      expect(local.getItem(OPT_OUT_KEY)).toBeNull(); // the site's consent tool keeps its own refusal
    });
  });

  describe('a stored consent', () => {
    it('init_resumesCaptureWithoutAsking', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g, recorder } = gate();
      await until(() => rrweb.recording);
      expect(banner()).toBeNull();
      expect(server.consent('receipts')).toEqual([]);
      expect(g.state()).toBe('granted');
      await recorder.flush();
      expect(server.requests[0].headers['Witness-Consent']).toBe(STORED.receipt);
      expect(server.requests[0].json.visitorId).toBe(STORED.visitorId);
    });

    it('init_removesAnExpiredConsentAndAsksAgain', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify({ ...STORED, expiresAt: '2026-11-25T08:59:59Z' }));
      const { gate: g } = gate();
      await until(() => banner() !== null);
      expect(local.getItem(CONSENT_KEY)).toBeNull();
      expect(g.state()).toBe('unknown');
      expect(rrweb.recording).toBe(false);
    });

    it.each(['not json', '{"visitorId":"bad id","receipt":"r","expiresAt":"2027-01-01T00:00:00Z"}', 'null'])(
      'init_ignoresACorruptConsent %s',
      async (raw) => {
        local.setItem(CONSENT_KEY, raw);
        const { gate: g } = gate({ banner: false });
        await idle();
        expect(g.state()).toBe('unknown');
        expect(rrweb.recording).toBe(false);
      },
    );
  });

  describe('withdraw', () => {
    it('withdraw_stopsAtOnceSendsNothingAfterAndClearsStorage', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g, recorder } = gate();
      await until(() => rrweb.recording);
      await recorder.flush();
      rrweb.mouseMove(); // waits in the open batch
      const done = g.withdraw();
      expect(rrweb.recording).toBe(false); // synchronously
      expect(local.getItem(CONSENT_KEY)).toBeNull();
      expect(tab.getItem(STORAGE_KEY)).toBeNull();
      expect(g.state()).toBe('denied');
      expect(g.visitorId()).toBeUndefined();
      await done;
      const [request] = server.consent('withdrawals');
      expect(request).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
      expect(request.url).toBe('https://witness.test/consent/v1/sites/site-key-1/withdrawals');
      expect(request.body).toEqual({ receipt: STORED.receipt, visitorId: STORED.visitorId, method: 'api' });
      vi.advanceTimersByTime(60_000);
      await recorder.flush();
      expect(server.requests).toHaveLength(1); // only the batch sent before
    });

    it('withdraw_thatFailsRejectsAndIsRetriedByTheNextCall', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g } = gate({ banner: false, policy: POLICY });
      await until(() => rrweb.recording);
      server.answerConsent(503);
      await expect(g.withdraw()).rejects.toThrow(/503/);
      expect(rrweb.recording).toBe(false);
      expect(local.getItem(CONSENT_KEY)).toBeNull();
      await g.withdraw();
      expect(server.consent('withdrawals').map((r) => r.body)).toEqual([
        { receipt: STORED.receipt, visitorId: STORED.visitorId, method: 'api' },
        { receipt: STORED.receipt, visitorId: STORED.visitorId, method: 'api' },
      ]);
      await g.withdraw(); // nothing left to withdraw
      expect(server.consent('withdrawals')).toHaveLength(2);
    });

    it('withdraw_inAnotherTabStopsThisOne', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g } = gate({ banner: false, policy: POLICY });
      await until(() => rrweb.recording);
      local.removeItem(CONSENT_KEY); // what the other tab did
      window.dispatchEvent(new StorageEvent('storage', { key: CONSENT_KEY, oldValue: '{}', newValue: null }));
      expect(rrweb.recording).toBe(false);
      expect(g.state()).toBe('denied');
      expect(tab.getItem(STORAGE_KEY)).toBeNull();
    });

    it('withdraw_onALaterPageStopsThisOneWhenItComesBackFromTheBackForwardCache', async () => {
      local.setItem(CONSENT_KEY, JSON.stringify(STORED));
      const { gate: g } = gate({ banner: false, policy: POLICY });
      await until(() => rrweb.recording);
      local.removeItem(CONSENT_KEY); // what the later page did; no storage event reaches a cached page
      window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
      expect(rrweb.recording).toBe(true); // an ordinary load: nothing to follow
      window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      expect(rrweb.recording).toBe(false);
      expect(g.state()).toBe('denied');
    });

    it('grant_inAnotherTabStartsThisOne', async () => {
      const { gate: g } = gate({ policy: POLICY });
      await until(() => banner() !== null);
      local.setItem(CONSENT_KEY, JSON.stringify(STORED)); // what the other tab did
      window.dispatchEvent(new StorageEvent('storage', { key: CONSENT_KEY, newValue: JSON.stringify(STORED) }));
      await until(() => rrweb.recording);
      expect(banner()).toBeNull();
      expect(g.state()).toBe('granted');
      expect(server.consent('receipts')).toEqual([]);
    });
  });
});
