import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Witness from '../src/index';
import { FakeServer } from './fakes';

describe('Witness API (with the real rrweb)', () => {
  afterEach(() => {
    Witness.stop();
    vi.unstubAllGlobals();
  });

  it('start_beforeInitThrows', () => {
    expect(() => Witness.start()).toThrow(/init/);
    expect(() => Witness.identify('customer-4711')).toThrow(/init/);
    expect(Witness.sessionId()).toBeUndefined();
    expect(Witness.visitorId()).toBeUndefined();
  });

  it('init_requiresEndpointAndSiteKey', () => {
    expect(() => Witness.init({ endpoint: '', siteKey: 'k' })).toThrow(TypeError);
    expect(() => Witness.init({ endpoint: 'https://w.test', siteKey: '' })).toThrow(TypeError);
    expect(() => Witness.init({ endpoint: 'https://w.test', siteKey: 'k', batchIntervalMs: 0 })).toThrow(TypeError);
  });

  it('start_recordsThePageAndFlushSendsIt', async () => {
    const server = new FakeServer();
    vi.stubGlobal('fetch', server.fetch);
    // happy-dom names DOMTokenList without defining it; rrweb's polyfill reads its prototype
    if ('DOMTokenList' in window && !window.DOMTokenList) vi.stubGlobal('DOMTokenList', class {});
    document.body.innerHTML = '<form id="login"><input type="password" value="hunter2"><button>Go</button></form>';
    localStorage.clear();
    Witness.init({ endpoint: 'https://witness.test/', siteKey: 'site-key-1' });
    expect(Witness.sessionId()).toBeUndefined();
    expect(Witness.visitorId()).toBeUndefined();
    expect(() => Witness.identify('customer-4711', { plan: ['pro'] } as never)).toThrow(TypeError);
    Witness.identify('customer-4711', { plan: 'pro' });
    expect(localStorage.length).toBe(0);
    Witness.start();
    await Witness.flush();
    const [request] = server.requests;
    expect(request.url).toBe('https://witness.test/ingest/v1/batches');
    expect(request.headers['Content-Encoding']).toBe('gzip');
    expect(request.json).toMatchObject({ v: 1, sessionId: Witness.sessionId(), seq: 0 });
    expect(request.json.visitorId).toBe(Witness.visitorId());
    expect(localStorage.getItem('witness.visitor')).toBe(Witness.visitorId());
    expect(request.json.identity).toEqual({ subject: 'customer-4711', traits: { plan: 'pro' } });
    expect(request.json.events.map((e) => e.type)).toEqual(expect.arrayContaining([4, 2]));
    expect(request.text).not.toContain('hunter2');
    expect(Witness.stats()).toMatchObject({ sent: 1, rejected: 0, dropped: 0 });
  });
});
