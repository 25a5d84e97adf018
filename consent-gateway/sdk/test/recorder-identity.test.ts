import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_DECOMPRESSED_BYTES } from '../src/envelope';
import { STORAGE_KEY } from '../src/session';
import { Transport } from '../src/transport';
import { CONSENT, FakeRrweb, FakeServer, newRecorder, POLICY, RecordingStorage, settle } from './fakes';
import { validateBody } from './protocol-validator';

/** 32 traits of 1024 characters: an identity of about 34 KB. */
const BIG_TRAITS = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`t${i}`, 'v'.repeat(1024)]));

function hidePage(): void {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('Recorder visitor id and identify', () => {
  let server: FakeServer;
  let rrweb: FakeRrweb;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-25T09:00:00Z') });
    sessionStorage.clear();
    localStorage.clear();
    server = new FakeServer();
    rrweb = new FakeRrweb();
  });
  afterEach(() => {
    vi.useRealTimers();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  });

  it('start_everyBatchCarriesTheVisitorIdAndTheReceiptOfTheConsent', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.identify('customer-4711');
    await recorder.flush();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);

    recorder.start(CONSENT, POLICY);
    await recorder.flush();
    rrweb.mouseMove();
    await recorder.flush();
    rrweb.mouseMove();
    recorder.stop();
    await recorder.flush();
    expect(server.requests.map((r) => r.json.visitorId)).toEqual(Array(3).fill(CONSENT.visitorId));
    expect(server.requests.map((r) => r.headers['Witness-Consent'])).toEqual(Array(3).fill(CONSENT.receipt));
    expect(localStorage.length).toBe(0); // the recorder stores only the tab's session
    expect(Object.keys(sessionStorage)).toEqual([STORAGE_KEY]);
    for (const r of server.requests) expect(validateBody(r.text)).toEqual({ status: 200 });
  });

  it('identify_beforeStartGoesOnTheFirstBatch', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.identify('customer-4711', { plan: 'pro' });
    recorder.start(CONSENT, POLICY);
    await recorder.flush();
    rrweb.mouseMove();
    await recorder.flush();
    expect(server.requests[0].json.identity).toEqual({ subject: 'customer-4711', traits: { plan: 'pro' } });
    expect(server.requests[1].json).not.toHaveProperty('identity');
    const fields = ['v', 'sessionId', 'seq', 'sentAt', 'visitorId', 'identity', 'events'];
    expect(Object.keys(server.requests[0].json)).toEqual(fields);
    expect(validateBody(server.requests[0].text)).toEqual({ status: 200 });
  });

  it('close_sizesABatchByItsJsonLength', async () => {
    const enqueued = vi.spyOn(Transport.prototype, 'enqueue');
    const recorder = newRecorder(server, rrweb);
    recorder.identify('kunde-ß-4711', { stadt: 'Zürich 🏔' });
    recorder.start(CONSENT, POLICY);
    rrweb.emit({ type: 5, data: { tag: 'note', payload: { text: 'Grüße, 東京 😀' } } });
    await recorder.flush();
    expect(enqueued.mock.calls.length).toBe(1);
    const [batch] = enqueued.mock.calls[0];
    expect(batch.size).toBe(batch.json.length);
    expect(batch.json).toContain('"identity"');
    enqueued.mockRestore();
  });

  it('identify_afterStartGoesOnTheNextBatchOnce', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    await recorder.flush(); // seq 0, before identify
    recorder.identify('customer-4711', { seats: 3, beta: true });
    rrweb.mouseMove();
    await recorder.flush(); // seq 1
    rrweb.mouseMove();
    await recorder.flush(); // seq 2
    expect(server.requests.map((r) => r.json.identity)).toEqual([
      undefined,
      { subject: 'customer-4711', traits: { seats: 3, beta: true } },
      undefined,
    ]);
  });

  it('identify_aSecondCallBeforeTheBatchClosesReplacesTheFirst', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    recorder.identify('first-subject', { plan: 'free' });
    recorder.identify('second-subject');
    await recorder.flush();
    expect(server.requests[0].json.identity).toEqual({ subject: 'second-subject' });
    expect(server.requests[0].text).not.toContain('first-subject');
  });

  it('identify_isCarriedAgainWhenTheBatchIsRetried', async () => {
    server.answer(503, 'network');
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    recorder.identify('customer-4711', { plan: 'pro' });
    await recorder.flush();
    vi.advanceTimersByTime(1_000);
    await settle();
    vi.advanceTimersByTime(2_000);
    await settle();
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) expect(r.text).toBe(server.requests[0].text);
    expect(server.requests[0].json.identity?.subject).toBe('customer-4711');
    expect(recorder.stats()).toMatchObject({ sent: 1, retries: 2 });
  });

  it('identify_badArgumentsThrowAndKeepTheWaitingIdentity', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.identify('customer-4711');
    expect(() => recorder.identify('')).toThrow(TypeError);
    expect(() => recorder.identify('s', { address: { city: 'B' } } as never)).toThrow(TypeError);
    recorder.start(CONSENT, POLICY);
    await recorder.flush();
    expect(server.requests[0].json.identity).toEqual({ subject: 'customer-4711' });
  });

  it('identify_writesNothingToStorage', async () => {
    const tab = new RecordingStorage();
    const recorder = newRecorder(server, rrweb, {}, { storage: tab });
    recorder.identify('alice@example.com', { email: 'alice@example.com' });
    expect(tab.writes).toEqual([]);
    recorder.start(CONSENT, POLICY);
    recorder.identify('bob@example.com', { email: 'bob@example.com' });
    await recorder.flush();
    expect(server.requests[0].text).toContain('bob@example.com');
    expect(new Set(tab.writes.map(([key]) => key))).toEqual(new Set([STORAGE_KEY]));
    for (const [, value] of tab.writes) expect(value).not.toContain('example.com');
  });

  it('discard_dropsTheWaitingIdentity', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    await recorder.flush();
    recorder.identify('customer-4711');
    recorder.discard();
    recorder.start(CONSENT, POLICY);
    await recorder.flush();
    expect(server.requests.map((r) => r.json.identity)).toEqual([undefined, undefined]);
  });

  it('identify_aBatchTooBigToCarryTheIdentityLeavesItToTheNext', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    await recorder.flush(); // seq 0
    recorder.identify('customer-4711', BIG_TRAITS);
    // an event just under the per-event limit: with the identity its body would exceed 16 MiB
    rrweb.emit({ type: 5, data: { tag: 'huge', payload: 'h'.repeat(MAX_DECOMPRESSED_BYTES - 1024 - 200) } });
    rrweb.mouseMove();
    await recorder.flush();
    const [, huge, next] = server.requests;
    expect(huge.json).not.toHaveProperty('identity');
    expect(huge.text.length).toBeLessThanOrEqual(MAX_DECOMPRESSED_BYTES);
    expect(next.json.identity?.subject).toBe('customer-4711');
    expect(server.seqs()).toEqual([0, 1, 2]);
  });

  it('identify_countsUtf8BytesOfABatchNearTheLimit', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    await recorder.flush(); // seq 0
    recorder.identify('customer-4711', BIG_TRAITS);
    // 3 UTF-8 bytes per character: a third as many characters as bytes, so only an exact count sees the limit
    rrweb.emit({ type: 5, data: { tag: 'huge', payload: '東'.repeat((MAX_DECOMPRESSED_BYTES - 1024 - 200) / 3) } });
    rrweb.mouseMove();
    await recorder.flush();
    const [, huge, next] = server.requests;
    expect(huge.json).not.toHaveProperty('identity');
    expect(huge.bodyBytes).toBeLessThanOrEqual(MAX_DECOMPRESSED_BYTES);
    expect(huge.bodyBytes).toBeGreaterThan(MAX_DECOMPRESSED_BYTES - 32 * 1024); // it would not take the traits
    expect(next.json.identity?.subject).toBe('customer-4711');
    expect(server.seqs()).toEqual([0, 1, 2]);
  });

  it('pageHide_theFirstPartCarriesTheIdentityWithinTheKeepaliveSize', async () => {
    const recorder = newRecorder(server, rrweb, { batchIntervalMs: 60_000 });
    recorder.start(CONSENT, POLICY);
    await recorder.flush(); // seq 0
    const payload = 'p'.repeat(10_000);
    for (let i = 0; i < 15; i++) rrweb.emit({ type: 5, data: { tag: 'big', payload } });
    recorder.identify('customer-4711', BIG_TRAITS);
    server.requests.length = 0;
    hidePage();
    expect(server.requests.map((r) => r.json.identity?.subject)).toEqual([
      'customer-4711',
      ...Array(server.requests.length - 1).fill(undefined),
    ]);
    expect(server.requests.every((r) => r.bodyBytes <= 64 * 1024)).toBe(true);
    expect(server.requests.flatMap((r) => r.json.events)).toHaveLength(15);
    for (const r of server.requests) expect(validateBody(r.text)).toEqual({ status: 200 });
  });
});
