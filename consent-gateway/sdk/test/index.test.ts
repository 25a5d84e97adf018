import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Witness from '../src/index';
import { FakeServer, POLICY } from './fakes';
import { validateBody } from './protocol-validator';

const PAGE = `
  <form id="login"><input type="password" value="hunter2"><input type="text" value="Berlin"><button>Go</button></form>
  <p>Contact alice@example.com or +49 30 1234567</p>
  <div class="balance">1,234.00 EUR</div>
  <div class="card-form">4111 1111 1111 1111</div>`;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe('Witness API (with the real rrweb)', () => {
  let server: FakeServer;

  beforeEach(() => {
    server = new FakeServer();
    vi.stubGlobal('fetch', server.fetch);
    // happy-dom names DOMTokenList without defining it; rrweb's polyfill reads its prototype
    if ('DOMTokenList' in window && !window.DOMTokenList) vi.stubGlobal('DOMTokenList', class {});
    localStorage.clear();
    sessionStorage.clear();
    document.body.innerHTML = PAGE;
  });
  afterEach(async () => {
    await Witness.withdraw().catch(() => {}); // stops capture and clears storage between tests
    server.consentRequests.length = 0;
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
  });

  it('start_beforeInitThrows', async () => {
    expect(() => Witness.identify('customer-4711')).toThrow(/init/);
    expect(Witness.sessionId()).toBeUndefined();
    expect(Witness.visitorId()).toBeUndefined();
    expect(Witness.consent()).toBe('unknown');
  });

  it('init_requiresEndpointAndSiteKey', () => {
    expect(() => Witness.init({ endpoint: '', siteKey: 'k' })).toThrow(TypeError);
    expect(() => Witness.init({ endpoint: 'https://w.test', siteKey: '' })).toThrow(TypeError);
    expect(() => Witness.init({ endpoint: 'https://w.test', siteKey: 'k', batchIntervalMs: 0 })).toThrow(TypeError);
  });

  it('grant_recordsThePageMaskedAndEveryBatchCarriesTheReceipt', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    Witness.init({ endpoint: 'https://witness.test/', siteKey: 'site-key-1', banner: false });
    Witness.identify('customer-4711', { plan: 'pro' });
    Witness.start(); // no consent: nothing
    await Witness.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.consentRequests).toEqual([]);
    expect(server.requests).toEqual([]);
    expect(setItem).not.toHaveBeenCalled();
    expect([localStorage.length, sessionStorage.length]).toEqual([0, 0]);
    expect(Witness.sessionId()).toBeUndefined();
    expect(Witness.visitorId()).toBeUndefined();

    await Witness.grant();
    expect(Witness.consent()).toBe('granted');
    await Witness.flush();
    const [request] = server.requests;
    const stored = JSON.parse(localStorage.getItem('witness.consent')!);
    expect(request.url).toBe('https://witness.test/ingest/v1/batches');
    expect(request.headers['Content-Encoding']).toBe('gzip');
    expect(request.headers['Witness-Consent']).toBe(stored.receipt);
    expect(request.json).toMatchObject({ v: 2, sessionId: Witness.sessionId(), seq: 0, visitorId: stored.visitorId });
    expect(Witness.visitorId()).toBe(stored.visitorId);
    expect(request.json.identity).toEqual({ subject: 'customer-4711', traits: { plan: 'pro' } });
    expect(request.json.events.map((e) => e.type)).toEqual(expect.arrayContaining([4, 2]));
    expect(validateBody(request.text)).toEqual({ status: 200 });
    // inputs masked, the policy's block recorded as an empty box (happy-dom hands rrweb empty text nodes, so
    // text masking and the banner's block are checked on maskingOptions in masking.test.ts)
    expect(request.text).toContain('"type":"password","value":"*******"');
    expect(request.text).toContain('"type":"text","value":"******"');
    expect(request.text).toMatch(/"class":"card-form","rr_width"/);
    expect(request.text).not.toMatch(/hunter2|Berlin/);
    expect(Witness.stats()).toMatchObject({ sent: 1, rejected: 0, dropped: 0 });
  });

  it('banner_acceptStartsCaptureAndWithdrawStopsIt', async () => {
    Witness.init({ endpoint: 'https://witness.test/', siteKey: 'site-key-1', policy: POLICY });
    await until(() => document.getElementById('witness-consent') !== null);
    const accept = [...document.querySelectorAll('#witness-consent button')][0] as HTMLButtonElement;
    expect(document.activeElement).toBe(document.getElementById('witness-consent'));
    accept.click();
    await until(() => Witness.consent() === 'granted');
    expect(server.consent('receipts')[0].body).toMatchObject({ method: 'banner:accept' });
    await Witness.flush();
    expect(server.requests).toHaveLength(1);

    document.body.insertAdjacentHTML('beforeend', '<p>more</p>'); // a mutation waiting to be recorded
    await Witness.withdraw();
    expect(Witness.consent()).toBe('denied');
    expect([localStorage.getItem('witness.consent'), sessionStorage.getItem('witness.session')]).toEqual([null, null]);
    expect(server.consent('withdrawals')).toHaveLength(1);
    document.body.insertAdjacentHTML('beforeend', '<p>even more</p>');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Witness.flush();
    expect(server.requests).toHaveLength(1);
  });

  it('gpc_withAPolicyThatHonoursItNothingIsShownStoredOrSent', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    Witness.init({ endpoint: 'https://witness.test/', siteKey: 'site-key-1', policy: POLICY });
    await until(() => Witness.consent() === 'blocked-by-signal');
    await expect(Witness.grant()).rejects.toThrow(/Global Privacy Control/);
    expect(document.getElementById('witness-consent')).toBeNull();
    expect(server.consentRequests).toEqual([]);
    expect(server.requests).toEqual([]);
    expect(localStorage.length).toBe(0);
  });
});
